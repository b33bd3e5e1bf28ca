"""Residents' contact numbers (DESIGN.md §7): mainland mobiles and landlines, parsed with
Google's libphonenumber metadata (the `phonenumbers` package) and stored in one normal form.

The normal form, held by `Ticket.contact_phone` and `Citizen.phone` and compared everywhere:
- a mobile: its 11 digits, `13812345678`;
- a landline: the area code with its leading 0, a hyphen, the local number: `010-65123456`,
  `0755-12345678`.

National rather than E.164 (`+8613812345678`): every mobile already stored has this form (no
data to rewrite), operators read and dial it as written, SMS gateways take the 11 digits, and
the first digit tells a mobile (1) from a landline (0). Masking keeps the area code
(`tickets.privacy.mask_phone`: 138****5678, 010-****3456).

Accepted as typed: spaces, hyphens, dots, brackets, full-width digits, the +86 / 0086 / 86
prefixes, `(010)`; a 7- or 8-digit local number is taken to be in the hotline's own area
(`PORTAL_PHONE_DEFAULT_AREA_CODE`, 010). Refused: numbers outside mainland China, service and
premium numbers (400, 800, 95xxx, 12345), extensions, and anything libphonenumber does not know
as a valid mobile or fixed-line number.
"""

import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumberType

_SEPARATORS = re.compile(r"[\s\-.()\u3000]")
_DIGITS = re.compile(r"\+?[0-9]+")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")  # a local number without its area code
_ACCEPTED = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
_LONGEST_INPUT = 40


def phone_error() -> ValidationError:
    return ValidationError(
        _(
            "Enter a mobile number (11 digits) or a landline with its area code, e.g. "
            "%(example)s (a local number of 7 or 8 digits is taken to be in %(area)s)."
        )
        % {"example": "010-65123456", "area": settings.PORTAL_PHONE_DEFAULT_AREA_CODE},
        code="phone",
    )


def normalize_phone(value: str | None) -> str:
    """The normal form of a mainland mobile or landline number, or ValidationError."""
    text = unicodedata.normalize("NFKC", value or "").strip()  # full-width digits and brackets
    if not text or len(text) > _LONGEST_INPUT:
        raise phone_error()
    digits = _SEPARATORS.sub("", text)
    if not _DIGITS.fullmatch(digits):  # libphonenumber would read letters as a keypad's digits
        raise phone_error()
    if _LOCAL.fullmatch(digits):
        digits = settings.PORTAL_PHONE_DEFAULT_AREA_CODE + digits
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        raise phone_error() from None
    if number.country_code != 86 or number.extension:
        raise phone_error()
    # The type is UNKNOWN for a number that is not valid in China's plan (is_valid_number asks
    # the same question; one pass instead of two).
    kind = phonenumbers.number_type(number)
    if kind not in _ACCEPTED:
        raise phone_error()
    national = phonenumbers.national_significant_number(number)  # Beijing's starts 10…
    if kind == PhoneNumberType.MOBILE:
        return national
    area = phonenumbers.length_of_geographical_area_code(number)
    return f"0{national[:area]}-{national[area:]}" if area else f"0{national}"


def is_mobile(phone: str) -> bool:
    """Whether a number in the normal form is a mobile (SMS reaches only these)."""
    return len(phone) == 11 and phone.startswith("1") and phone.isdigit()


def phone_or_none(value: str | None) -> str | None:
    """The normal form, or None for anything that is not a contact number (for look-ups such
    as the caller's history and the admin's search, where a non-number is not an error)."""
    try:
        return normalize_phone(value)
    except ValidationError:
        return None
