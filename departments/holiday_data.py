"""China's public holidays and adjusted working days (调休), as published by the State Council.

Each year lists its holiday periods (every day off, weekends inside a period included) and the
weekend days that are working days. 2025 and 2026 follow the General Office notices; 2027's
notice had not been published in our sources, so 2027 carries only the statutory days of the
2024 revision of the national holiday regulations, marked provisional: enter the official
schedule in the admin (Units and places › Work calendar) when it appears. The `holidays` package
is used in the tests to cross-check the official years.
"""

from datetime import date, timedelta

SCHEDULES = {
    2025: {
        "provisional": False,
        "source": "国办发明电〔2024〕12号",
        "periods": [
            ("元旦", "2025-01-01", "2025-01-01"),
            ("春节", "2025-01-28", "2025-02-04"),
            ("清明节", "2025-04-04", "2025-04-06"),
            ("劳动节", "2025-05-01", "2025-05-05"),
            ("端午节", "2025-05-31", "2025-06-02"),
            ("国庆节、中秋节", "2025-10-01", "2025-10-08"),
        ],
        "workdays": [
            ("春节调休上班", "2025-01-26"),
            ("春节调休上班", "2025-02-08"),
            ("劳动节调休上班", "2025-04-27"),
            ("国庆节调休上班", "2025-09-28"),
            ("国庆节调休上班", "2025-10-11"),
        ],
    },
    2026: {
        "provisional": False,
        "source": "国办发明电〔2025〕7号",
        "periods": [
            ("元旦", "2026-01-01", "2026-01-03"),
            ("春节", "2026-02-15", "2026-02-23"),
            ("清明节", "2026-04-04", "2026-04-06"),
            ("劳动节", "2026-05-01", "2026-05-05"),
            ("端午节", "2026-06-19", "2026-06-21"),
            ("中秋节", "2026-09-25", "2026-09-27"),
            ("国庆节", "2026-10-01", "2026-10-07"),
        ],
        "workdays": [
            ("元旦调休上班", "2026-01-04"),
            ("春节调休上班", "2026-02-14"),
            ("春节调休上班", "2026-02-28"),
            ("劳动节调休上班", "2026-05-09"),
            ("国庆节调休上班", "2026-09-20"),
            ("国庆节调休上班", "2026-10-10"),
        ],
    },
    2027: {
        "provisional": True,
        "source": "《全国年节及纪念日放假办法》(2024年修订) 法定假日",
        "periods": [
            ("元旦", "2027-01-01", "2027-01-01"),
            ("春节", "2027-02-05", "2027-02-08"),
            ("清明节", "2027-04-05", "2027-04-05"),
            ("劳动节", "2027-05-01", "2027-05-02"),
            ("端午节", "2027-06-09", "2027-06-09"),
            ("中秋节", "2027-09-15", "2027-09-15"),
            ("国庆节", "2027-10-01", "2027-10-03"),
        ],
        "workdays": [],
    },
}


def calendar_rows():
    """(date, kind, name, provisional) for every listed day, in date order."""
    rows = []
    for schedule in SCHEDULES.values():
        provisional = schedule["provisional"]
        for name, first, last in schedule["periods"]:
            day, end = date.fromisoformat(first), date.fromisoformat(last)
            while day <= end:
                rows.append((day, "holiday", name, provisional))
                day += timedelta(days=1)
        for name, day in schedule["workdays"]:
            rows.append((date.fromisoformat(day), "workday", name, provisional))
    return sorted(rows)


def ensure_calendar(model) -> None:
    """Add the listed days that are missing (`model` may be a migration's historical one)."""
    existing = set(model.objects.values_list("date", flat=True))
    model.objects.bulk_create(
        model(date=day, kind=kind, name=name, provisional=provisional)
        for day, kind, name, provisional in calendar_rows()
        if day not in existing
    )
