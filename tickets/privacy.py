"""Masking of residents' personal data (DESIGN.md §7). Pure."""


def mask_phone(phone: str) -> str:
    """138****5678; anything shorter than 7 characters is fully hidden."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_name(name: str) -> str:
    """张* / 欧阳** / J***: keep the first character only."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
