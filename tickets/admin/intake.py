"""The operator's form for a phone call: one page, the ticket starts accepted and classified."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..media import MAX_PHOTOS
from ..models import Kind, UrgencyClass
from ..phones import phone_or_none
from .forms import ActionForm, leaf_category_field, region_field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class IntakeForm(forms.Form):
    contact_phone = forms.CharField(
        label=_("caller's number (mobile or landline)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    contact_name = forms.CharField(label=_("caller's name"), required=False, max_length=50)
    anonymous = forms.BooleanField(label=_("anonymous (no callback possible)"), required=False)
    confidential = forms.BooleanField(
        label=_("keep the name from the handling unit"), required=False
    )
    kind = forms.ChoiceField(label=_("kind of demand"), choices=Kind.choices)
    urgency = forms.ModelChoiceField(
        UrgencyClass.objects.all(),
        label=_("urgency"),
        required=False,
        help_text=_("Empty: the category's default."),
    )
    description = forms.CharField(label=_("problem description"), widget=forms.Textarea)
    address = forms.CharField(label=_("address"), required=False, max_length=200)
    photos = MultipleFileField(label=_("photos"), required=False)

    apply_service_errors = ActionForm.apply_service_errors

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = leaf_category_field()
        self.fields["region"] = region_field()
        self.order_fields(
            [
                "contact_phone",
                "contact_name",
                "anonymous",
                "confidential",
                "kind",
                "category",
                "urgency",
                "region",
                "address",
                "description",
                "photos",
            ]
        )

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS})
        return photos

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "category": d["category"],
            "urgency": d["urgency"],
            "region": d["region"],
            "description": d["description"],
            "address": d["address"],
            "contact_name": d["contact_name"],
            "contact_phone": d["contact_phone"],
            "anonymous": d["anonymous"],
            "confidential": d["confidential"],
            "photos": d["photos"],
        }

    def cleaned_or_initial(self, name):
        if hasattr(self, "cleaned_data") and name in self.cleaned_data:
            return self.cleaned_data[name]
        return None

    def phone_for_history(self) -> str | None:
        """The caller's number, if one has been typed and is valid (for the history panel)."""
        return phone_or_none(self.data.get("contact_phone")) if self.is_bound else None
