"""The list of a page's errors shown at its top, each linking to the field to correct."""


def anchor(bound_field) -> str:
    """The id an error links to: the field, or the first of its radio buttons."""
    if getattr(bound_field.field.widget, "input_type", None) == "radio":
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def error_summary(*forms) -> list[tuple[str, str]]:
    """(anchor, message) pairs: the forms' general errors first (no anchor), then each field's."""
    errors = []
    for form in forms:
        errors += [("", message) for message in form.non_field_errors()]
        errors += [
            (anchor(form[name]), message)
            for name, messages in form.errors.items()
            if name != "__all__"
            for message in messages
        ]
    return errors
