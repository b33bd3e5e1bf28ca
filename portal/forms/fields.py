"""Form fields and widgets Django does not ship."""

from django import forms
from django.forms.utils import ErrorDict


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type=file multiple>`; cleans to a list (empty when none).

    https://docs.djangoproject.com/en/6.1/topics/http/file-uploads/#uploading-multiple-files
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


def without_errors(form):
    """Show `form` with the values it was given but none of its errors: for a page the resident
    has not yet been asked to complete (the next list filled in, the next step reached)."""
    form._errors = ErrorDict(renderer=form.renderer)
    form.cleaned_data = {}
    return form
