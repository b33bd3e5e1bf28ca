"""Contact numbers: mainland mobiles and landlines in every common spelling, one normal form
(tickets.phones, DESIGN.md §7), masked sensibly, and SMS only for mobiles. Pure: no database."""

import pytest
from django.core.exceptions import ValidationError

from tickets.phones import is_mobile, normalize_phone, phone_or_none
from tickets.privacy import mask_phone

NORMALISED = [
    # mobiles, as people type them
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("0086-138-1234-5678", "13812345678"),
    ("8619912345678", "19912345678"),
    ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese IME
    ("16612345678", "16612345678"),
    # Beijing landlines
    ("010-65123456", "010-65123456"),
    ("01065123456", "010-65123456"),
    ("010 6512 3456", "010-65123456"),
    ("(010)65123456", "010-65123456"),
    ("（010）65123456", "010-65123456"),  # full-width brackets
    ("+86 10 6512 3456", "010-65123456"),
    ("+86-10-65123456", "010-65123456"),
    ("0086 10 65123456", "010-65123456"),
    # a local number: the hotline's own area code (010 by default)
    ("65123456", "010-65123456"),
    ("6512 3456", "010-65123456"),
    ("8765-4321", "010-87654321"),
    # other cities' landlines keep their own area code
    ("021-12345678", "021-12345678"),
    ("02112345678", "021-12345678"),
    ("0755-12345678", "0755-12345678"),
    ("0571 8765 4321", "0571-87654321"),
]


@pytest.mark.parametrize(("raw", "normal"), NORMALISED)
def test_numbers_are_stored_in_one_normal_form(raw, normal):
    assert normalize_phone(raw) == normal
    assert normalize_phone(normal) == normal  # idempotent: stored values parse to themselves


REFUSED = [
    "",
    "   ",
    "1381234567",  # 10 digits
    "138123456789",  # 12 digits
    "23812345678",
    "12345678",  # 8 digits starting with 1: neither a local number nor a mobile
    "12345",  # the hotline itself
    "110",
    "95588",  # a bank's service number
    "400-123-4567",  # a company's service number: cannot be called back as a person
    "800-810-1234",
    "010-6512345",  # 7 local digits in Beijing, where numbers have 8
    "010-65123456 ext. 12",  # extensions are not taken
    "010-65123456转12",
    "+1 415 555 0100",  # outside mainland China
    "+852 9123 4567",
    "138abc45678",
    "1" * 200,
    "\x00",
]


@pytest.mark.parametrize("raw", REFUSED)
def test_other_input_is_refused_with_a_message_naming_both_kinds(raw, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ValidationError) as refused:
        normalize_phone(raw)
    assert refused.value.code == "phone"
    message = refused.value.messages[0]
    assert "mobile number" in message and "landline" in message and "010-65123456" in message
    assert phone_or_none(raw) is None


def test_the_message_is_chinese_by_default_and_names_mobiles_and_landlines():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        normalize_phone("12345")
    assert "手机号码" in refused.value.messages[0] and "固定电话" in refused.value.messages[0]


def test_the_default_area_code_is_a_setting(settings):
    settings.PORTAL_PHONE_DEFAULT_AREA_CODE = "021"
    assert normalize_phone("52345678") == "021-52345678"
    assert normalize_phone("65123456") == "021-65123456"
    assert normalize_phone("010-65123456") == "010-65123456"  # an explicit area code wins


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [("13812345678", True), ("010-65123456", False), ("0755-12345678", False), ("", False)],
)
def test_only_mobiles_can_receive_text_messages(phone, mobile):
    assert is_mobile(phone) is mobile


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("010-65123456", "010-****3456"),
        ("0755-12345678", "0755-****5678"),
        ("0991-1234567", "0991-***4567"),
        ("", ""),
        ("123", "***"),
    ],
)
def test_masking_keeps_the_area_code_and_the_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked
