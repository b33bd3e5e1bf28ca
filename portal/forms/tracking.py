"""Forms of the tracking page: look a ticket up, rate the reply, ask for reopening."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Callback

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes(value) -> bool:
    return value == "yes"


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Ticket number"),
        max_length=32,
        help_text=_("14 digits, on your confirmation page and in the SMS."),
        error_messages={"required": _("Enter the ticket number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    secret = forms.CharField(
        label=_("Access code or phone number"),
        max_length=32,
        help_text=_(
            "The 8-character access code, or the phone number (mobile or landline) you gave "
            "when reporting."
        ),
        error_messages={"required": _("Enter the access code or your phone number.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class RateForm(forms.Form):
    """The callback questions (回访), answered by the resident."""

    contacted = forms.TypedChoiceField(
        label=_("Did the handling unit contact you?"),
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the unit contacted you.")},
    )
    solved = forms.TypedChoiceField(
        label=_("Is the problem solved?"),
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the problem is solved.")},
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with how it was handled?"),
        choices=Callback.Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still not solved?"),
        max_length=2000,
        error_messages={"required": _("Say what is still not solved.")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
