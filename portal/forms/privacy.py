"""The form a resident uses to act on their personal information (PIPL Art. 44–47): see or copy
it, correct it, delete it, withdraw consent, or have its use explained. The request becomes a
ticket of the configured category (`settings.PORTAL_PRIVACY["request_category"]`) through
`tickets.services.ticket_submit`, so it is accepted, dispatched, answered within its class's
time limits and called back like any other demand."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from departments.models import Region
from tickets.models import Category

DETAILS_MAX = 3000


class RequestKind:
    ACCESS = "access"
    CORRECT = "correct"
    DELETE = "delete"
    WITHDRAW = "withdraw"
    EXPLAIN = "explain"
    CHOICES = [
        (ACCESS, _("See my personal information, or get a copy of it")),
        (CORRECT, _("Correct or complete it")),
        (DELETE, _("Delete it")),
        (WITHDRAW, _("Withdraw my consent to its use")),
        (EXPLAIN, _("Explain how it is used")),
    ]


def request_category() -> Category | None:
    """The leaf category requests are filed under; None when this deployment has none."""
    code = settings.PORTAL_PRIVACY["request_category"]
    return Category.objects.filter(code=code, is_active=True, level=Category.LEAF_LEVEL).first()


class PersonalDataRequestForm(forms.Form):
    request = forms.ChoiceField(
        label=_("What would you like us to do?"),
        choices=RequestKind.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you would like us to do.")},
    )
    tickets = forms.CharField(
        label=_("Ticket numbers it concerns (optional)"),
        required=False,
        max_length=200,
        help_text=_("If it is about particular tickets, their numbers help us find them."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    details = forms.CharField(
        label=_("Your request"),
        max_length=DETAILS_MAX,
        help_text=_("For a correction, say what is wrong and what is right."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what you ask for.")},
    )
    district = forms.ChoiceField(
        label=_("Your district"),
        help_text=_("The request is registered there, like a demand."),
        error_messages={"required": _("Choose the district.")},
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        help_text=_("As you gave it to the hotline."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Give your name, so that we find your information.")},
    )
    contact_phone = forms.CharField(
        label=_("Your telephone number"),
        required=False,
        help_text=_(
            "The number you gave to the hotline: we find your information with it and call you "
            "on it to confirm that the request is yours."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("For a copy of your information, if you would like it by e-mail."),
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "inputmode": "email"}
        ),
    )
    # A honeypot, as on the submission form.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    SERVICE_FIELDS = {"description": "details", "region": "district"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")
        self.fields["district"].choices = [
            ("", _("Choose…")),
            *((r.code, r.display_name) for r in districts),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError(
                _("Your request could not be sent. Please check the form and try again.")
            )
        return cleaned

    def description(self) -> str:
        """The ticket's text, headed for the hotline's staff in the site's default language."""
        data = self.cleaned_data
        kinds = dict(RequestKind.CHOICES)
        with translation.override(settings.LANGUAGE_CODE):
            head = gettext("Personal information request: %(kind)s") % {
                "kind": kinds[data["request"]]
            }
            tickets = gettext("Tickets concerned: %(numbers)s") % {
                "numbers": data["tickets"] or gettext("none given")
            }
        return f"{head}\n{tickets}\n\n{data['details']}"

    def intake(self, category: Category) -> dict:
        """The values for `tickets.services.ticket_submit`."""
        data = self.cleaned_data
        return {
            "kind": "help",
            "category": category,
            "region": data["district"],
            "description": self.description(),
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "contact_email": data["contact_email"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The ticket service's field errors, beside the fields that show them."""
        for field, messages in getattr(error, "message_dict", {None: error.messages}).items():
            name = self.SERVICE_FIELDS.get(field, field)
            for message in messages:
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
                elif name not in self.fields:
                    self.add_error(None, message)
