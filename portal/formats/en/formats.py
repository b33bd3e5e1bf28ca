"""Dates in English: day, month name and year, 24-hour times (Beijing time, as everywhere).

Django's `en` formats are American ("Nov. 26, 2026, 3:30 p.m.", "11/26/2026"); residents and
staff reading the portal in English read these unambiguously. Input formats stay Django's.
"""

DATE_FORMAT = "j F Y"  # 26 November 2026
DATETIME_FORMAT = "j F Y, H:i"  # 26 November 2026, 15:30
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 26 November
SHORT_DATE_FORMAT = "j M Y"  # 26 Nov 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 26 Nov 2026, 15:30
