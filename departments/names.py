"""Names of reference data in the reader's language.

Regions, units and categories are named in Chinese (`name`, the official name) and may carry an
English name (`name_en`). Everything that shows one of these names to a person — the residents'
site, the admin, the API — asks `display_name`, which picks by the active language (the request's,
or the one a notification is rendered in), so the choice is made in one place.
"""

from django.utils import translation


def in_language(name: str, name_en: str) -> str:
    """`name_en` when the active language is English and there is one, else `name`."""
    language = translation.get_language() or ""
    return name_en if name_en and language.startswith("en") else name


class NamedInTwoLanguages:
    """For a model with `name` and `name_en`: its name in the active language (the model's
    `__str__` returns it too)."""

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)
