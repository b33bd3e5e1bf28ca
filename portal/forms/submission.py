"""The submission form, in two steps on one page address (`/submit/`).

Step 1 (`WhereForm`): the kind of demand, the category (three levels) and the place (district →
street → community). Each level's choices depend on the level above and are built from the
values submitted, so the form works without JavaScript (a "show the next list" button re-renders
the page with the next list filled); the page's script only fills the lists sooner. Only the
district is required: a resident who does not know the street or community leaves it at "I don't
know" and the operator completes the place at acceptance. The place can also be found by typing
part of a street's or community's name (`place_query`): the script lists matches as one types,
without it a "find" button re-renders the page with them; choosing one fills the three lists.
Whatever fills them (the lists, the search, later a map), the submitted values are the three
lists' codes.

Step 2 (`DetailsForm`): description, address, map point, photos, contact, consent. Before it,
the page lists open tickets of the same category at the same place ("already reported?").

Each step carries the other step's values as hidden inputs, so moving back and forth or
correcting an error never loses what the resident typed (photos excepted: browsers cannot
refill a file input).
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tickets.media import MAX_BYTES, MAX_PHOTOS
from tickets.models import Channel, Kind
from tickets.validation import clean_intake

from ..choices import category_tree, region_children
from .fields import MultipleFileField, MultipleFileInput

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"

KIND_HINTS = {
    Kind.CONSULTATION: _("Ask about a policy, a service or how to get something done."),
    Kind.HELP: _("Ask for help with a difficulty in daily life."),
    Kind.COMPLAINT: _("Something is wrong and affects you or your neighbourhood."),
    Kind.REPORT: _("Report someone breaking laws or rules."),
    Kind.SUGGESTION: _("Propose how a public service could work better."),
    Kind.PRAISE: _("Thank a unit or a person for good work."),
}

OPEN, WAITING, NONE = "open", "waiting", "none"


@dataclass(frozen=True)
class Level:
    """One select of a tree: `open` (has choices), `waiting` (its parent is not chosen yet) or
    `none` (its parent has no children: the level is not asked)."""

    state: str
    chosen: object | None


class WhereForm(forms.Form):
    CATEGORY_FIELDS = ("category_1", "category_2", "category")
    REGION_FIELDS = ("district", "street", "community")
    WAITING_HINTS = {
        "category_2": _("Choose the category first"),
        "category": _("Choose the subcategory first"),
        "street": _("Choose the district first"),
        "community": _("Choose the street or township first"),
    }
    # Levels a resident may leave open: their empty choice says so.
    UNKNOWN_CHOICES = {"street": _("I don't know"), "community": _("I don't know")}

    kind = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you would like to do.")},
    )
    category_1 = forms.ChoiceField(
        label=_("Category"), error_messages={"required": _("Choose the category.")}
    )
    category_2 = forms.ChoiceField(
        label=_("Subcategory"), error_messages={"required": _("Choose the subcategory.")}
    )
    category = forms.ChoiceField(
        label=_("Problem"), error_messages={"required": _("Choose the problem.")}
    )
    district = forms.ChoiceField(
        label=_("District"), error_messages={"required": _("Choose the district.")}
    )
    street = forms.ChoiceField(
        label=_("Street or township (if you know it)"),
        help_text=_("If you don't know it, the hotline completes it when it accepts your report."),
    )
    community = forms.ChoiceField(label=_("Community or village (if you know it)"))
    place_query = forms.CharField(
        label=_("Or find the place by its name"),
        required=False,
        max_length=40,
        help_text=_("Type part of the name of a street, township, community or village."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()  # stale choices are cleared below
        self.levels: dict[str, Level] = {}
        self.stale: set[str] = set()  # chosen, but no longer in its list
        tree = category_tree()
        self._chain(
            self.CATEGORY_FIELDS, "categories", lambda node: tree.get(node.pk if node else None, [])
        )
        self._chain(self.REGION_FIELDS, "regions", region_children)

    def _chain(self, names, tree_name, children_of) -> None:
        """Fill each level's choices from the level above's chosen value."""
        values = self.data if self.is_bound else self.initial
        options, parent_chosen = children_of(None), True
        for position, name in enumerate(names):
            field = self.fields[name]
            state = WAITING if not parent_chosen else OPEN if options else NONE
            choose = self.UNKNOWN_CHOICES.get(name, _("Choose…"))
            placeholder = self.WAITING_HINTS.get(name, "") if state == WAITING else choose
            field.choices = [("", placeholder), *((o.code, o.display_name) for o in options)]
            field.required = state == OPEN and name not in self.UNKNOWN_CHOICES
            field.widget.attrs["data-tree"] = tree_name
            if position + 1 < len(names):
                field.widget.attrs["data-child"] = names[position + 1]
            field.widget.attrs["data-choose"] = choose
            if name in self.WAITING_HINTS:
                field.widget.attrs["data-waiting"] = self.WAITING_HINTS[name]
            if state == WAITING:
                field.widget.attrs["disabled"] = True
            value = values.get(name) or ""
            chosen = next((o for o in options if o.code == value), None)
            if self.is_bound and chosen is None and value:
                self.data[name] = ""  # its parent changed since it was chosen: choose again
                self.stale.add(name)
            self.levels[name] = Level(state, chosen)
            parent_chosen = chosen is not None
            options = (
                children_of(chosen) if chosen is not None and position + 1 < len(names) else []
            )

    def kind_options(self):
        """The kind radios, each with its one-line explanation."""
        return [(radio, KIND_HINTS.get(radio.data["value"], "")) for radio in self["kind"]]

    def _chosen_names(self, names, separator) -> str:
        return separator.join(
            self.levels[name].chosen.display_name for name in names if self.levels[name].chosen
        )

    @property
    def chosen_category_names(self) -> str:
        """E.g. "住房 › 物业管理 › 楼牌号缺失"."""
        return self._chosen_names(self.CATEGORY_FIELDS, " › ")

    @property
    def chosen_region_names(self) -> str:
        """E.g. "朝阳区 和平街街道 胜古南社区"."""
        return self._chosen_names(self.REGION_FIELDS, " ")

    @property
    def place_incomplete(self) -> bool:
        """The resident left a level they were asked open ("I don't know")."""
        return any(
            self.levels[name].state == OPEN and self.levels[name].chosen is None
            for name in self.REGION_FIELDS
        )

    @property
    def not_asked(self) -> dict[str, bool]:
        """Levels the page hides: their parent is chosen and has no children."""
        return {name: level.state == NONE for name, level in self.levels.items()}

    @property
    def kind_label(self) -> str:
        return dict(Kind.choices).get(self.cleaned_data.get("kind"), "")

    def shown(self, name) -> bool:
        return self.levels[name].state != NONE

    def finest_field(self, names) -> str:
        """The deepest select the page shows among `names` (where a tree error belongs)."""
        return [name for name in names if self.shown(name)][-1]

    @property
    def chosen_category(self):
        return self.levels["category"].chosen

    @property
    def chosen_region(self):
        chosen = [self.levels[name].chosen for name in self.REGION_FIELDS]
        return next((region for region in reversed(chosen) if region is not None), None)

    def intake(self) -> dict:
        """The step's values for `tickets.services.ticket_submit`."""
        return {
            "kind": self.cleaned_data["kind"],
            "category": self.chosen_category,
            "region": self.chosen_region,
        }

    def clean(self):
        cleaned = super().clean()
        # An optional level whose choice left its list (its parent changed): ask again rather
        # than file the demand less precisely than the resident said.
        for name in self.UNKNOWN_CHOICES.keys() & self.stale:
            if self.levels[name].state == OPEN and name not in self.errors:
                self.add_error(name, _("The list has changed: choose again, or “I don't know”."))
        # A category without a third level (withdrawn or misconfigured) cannot take tickets.
        if self.levels["category_1"].chosen and not self.chosen_category and not self.errors:
            self.add_error(
                self.finest_field(self.CATEGORY_FIELDS),
                _("Choose a specific (third-level) category."),
            )
        return cleaned


class DetailsForm(forms.Form):
    description = forms.CharField(
        label=_("Describe the problem"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    address = forms.CharField(
        label=_("Street address or landmark"),
        required=False,
        help_text=_("For example the building number, or a shop nearby. Your flat is not needed."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    latitude = forms.CharField(
        label=_("Latitude"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_(
            "Up to 5 photos in JPEG, PNG, WebP or HEIC, at most 10 MB each. "
            "Location and camera data are removed from them."
        ),
        widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously"),
        required=False,
        help_text=_(
            "We keep no name or number. Nobody can call you back, and you cannot rate the "
            "result: keep the access code to follow the ticket."
        ),
    )
    contact_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        help_text=_(
            "A mobile (11 digits) or a landline with its area code, e.g. 010-65123456. The unit "
            "contacts you on it and you can track the ticket with it. Text messages reach "
            "mobiles only."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "inputmode": "email"}
        ),
    )
    confidential = forms.BooleanField(
        label=_("Keep my name from the handling unit"),
        required=False,
        help_text=_("Only the hotline sees your name; the unit that handles the problem does not."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my details are used to handle "
            "this demand."
        ),
        error_messages={"required": _("Agree to the privacy notice to submit.")},
    )
    # A honeypot: hidden from people (and from screen readers), filled in by form-filling bots.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email", "confidential")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = _(
            "What is wrong, where exactly, since when, and what you would like done. "
            "At most %(limit)d characters."
        ) % {"limit": settings.PORTAL_TICKET_DESCRIPTION_MAX}

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTOS:
            raise ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS})
        too_big = [photo.name for photo in photos if photo.size > MAX_BYTES]
        if too_big:
            raise ValidationError(
                [_("“%(name)s” is larger than 10 MB.") % {"name": name} for name in too_big]
            )
        return photos

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError(
                _("Your report could not be sent. Please check the form and try again.")
            )
        return cleaned

    INTAKE_FIELDS = (
        "description",
        "address",
        "latitude",
        "longitude",
        "anonymous",
        "confidential",
        "contact_name",
        "contact_phone",
        "contact_email",
    )

    def intake(self) -> dict:
        """The step's values for `tickets.services.ticket_submit` (photos apart)."""
        return {name: self.cleaned_data[name] for name in self.INTAKE_FIELDS}


def check_intake(where: WhereForm, details: DetailsForm) -> int:
    """Run the ticket service's checks (`tickets.validation.clean_intake`) on the values of both
    steps, after the forms' own, and add their errors to the fields that have none yet: so the
    page lists every error at once (the form's consent and photos, the service's description,
    contact and map point). Stores nothing. Returns the step to show (1 or 2)."""
    values = {name: details.data.get(name, "") for name in DetailsForm.INTAKE_FIELDS}
    values.update({k: v for k, v in details.cleaned_data.items() if k in values})
    try:
        clean_intake({"channel": Channel.WEB, **where.intake(), **values})
    except ValidationError as error:
        fresh = ValidationError(
            {
                field: messages
                for field, messages in error.message_dict.items()
                if field not in details.errors
            }
        )
        if fresh.error_dict:
            return attach_errors(fresh, where, details)
    return 2


def attach_errors(error: ValidationError, where: WhereForm, details: DetailsForm) -> int:
    """Put the ticket service's field errors on the fields that show them; return the step
    (1 or 2) whose page must be shown to correct them."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            details.add_error(None, message)
        return 2
    step = 2
    for field, messages in error.message_dict.items():
        if field == "category":
            form, name, step = where, where.finest_field(where.CATEGORY_FIELDS), 1
        elif field == "region":
            form, name, step = where, where.finest_field(where.REGION_FIELDS), 1
        elif field == "kind":
            form, name, step = where, "kind", 1
        elif field in details.fields:
            form, name = details, field
        else:
            form, name = details, None
        for message in messages:
            form.add_error(name, message)
    return step
