"""Dates in Chinese: Django's zh_Hans formats, with the short date-time the SMS texts use."""

SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2026-11-26 15:30
