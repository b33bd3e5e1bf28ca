"""Months as every page, file name and API parameter takes them: `YYYY-MM`, within the years the
statistics can hold.

A month far outside them (`0001-01`, `9999-12`) is refused here, once, instead of overflowing
the date arithmetic of the trends (twelve months back, the next month, the month's bounds in
Beijing time) deep inside a page. The range is wide enough for any real hotline's history.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 1)


def _out_of_range() -> ValidationError:
    return ValidationError(
        _("Choose a month between %(earliest)s and %(latest)s."),
        code="month_range",
        params={"earliest": f"{EARLIEST:%Y-%m}", "latest": f"{LATEST:%Y-%m}"},
    )


def validate_month(value: date) -> None:
    """A validator for date fields that hold a month (forms and DRF serializers alike)."""
    if not EARLIEST <= value.replace(day=1) <= LATEST:
        raise _out_of_range()


def parse_month(text: str) -> date:
    """The first day of a `YYYY-MM` month, or ValidationError saying what is accepted."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        value = date(int(year), int(month), 1)
    except ValueError:
        raise ValidationError(
            _("Give the month as YYYY-MM, e.g. 2026-10."), code="month_format"
        ) from None
    validate_month(value)
    return value


class MonthField(forms.DateField):
    """A `<input type="month">` field whose value is the month's first day."""

    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_validators = [validate_month]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value
