"""Masking of residents' personal data (DESIGN.md §7). Pure."""


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile; 010-****3456 for a landline (the area code stays: it says
    where, not who); anything shorter than 7 characters is fully hidden."""
    if not phone:
        return ""
    area, hyphen, local = phone.rpartition("-")
    if hyphen and area and len(local) >= 6:
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_name(name: str) -> str:
    """张* / 欧阳** / J***: keep the first character only."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
