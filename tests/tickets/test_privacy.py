import pytest

from tickets.privacy import mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"), [("13812345678", "138****5678"), ("", ""), ("123", "***")]
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("张", "张*"), ("", "")]
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked
