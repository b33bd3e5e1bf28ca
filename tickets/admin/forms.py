"""One short form per workflow action. Each form's `perform()` calls the matching service.

The services validate again and are the authority: their ValidationError is mapped back onto the
form's fields (`apply_service_errors`), their domain errors become admin messages in the view.
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.catalogue import suggest_lead_unit
from departments.models import Department, Region
from knowledge.admin.picker import article_field
from knowledge.selectors import article_search

from .. import rules, selectors, services
from ..models import (
    Assignment,
    Attachment,
    Callback,
    Category,
    DescriptionPublication,
    Kind,
    Outcome,
    Ticket,
    UrgencyClass,
)
from ..workflow import Action

YES_NO = [("1", _("Yes")), ("0", _("No"))]


def to_bool(value):
    return {"1": True, "0": False}.get(value)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def leaf_category_field(**kwargs):
    categories = Category.objects.filter(level=Category.LEAF_LEVEL, is_active=True)
    field = forms.ModelChoiceField(
        categories.select_related("parent__parent"), label=_("category"), **kwargs
    )
    field.label_from_instance = lambda c: c.path
    return field


def region_field(**kwargs):
    regions = Region.objects.filter(level__gte=Region.Level.DISTRICT).select_related(
        "parent__parent"
    )
    field = forms.ModelChoiceField(regions, label=_("region"), **kwargs)
    field.label_from_instance = lambda r: " › ".join(
        n.display_name for n in reversed(r.lineage()) if n.level > Region.Level.CITY
    )
    return field


def handling_units():
    return Department.objects.filter(is_active=True).exclude(kind=Department.Kind.HOTLINE_CENTRE)


def unit_widget(*, multiple=False):
    """The admin's own autocomplete (select2, shipped with Django): type part of a unit's name.
    Its suggestions come from the units' admin search, scoped to `handling_units()` for this
    field (`departments.admin.DepartmentAdmin.get_search_results`)."""
    from django.contrib import admin
    from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

    widget = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    return widget(Ticket._meta.get_field("lead_unit"), admin.site)


class ActionForm(forms.Form):
    action: Action

    def __init__(self, *args, ticket, user, **kwargs):
        self.ticket, self.user = ticket, user
        super().__init__(*args, **kwargs)

    def perform(self):
        raise NotImplementedError

    def apply_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError beside the matching fields (or on top)."""
        for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class AcceptForm(ActionForm):
    action = Action.ACCEPT
    kind = forms.ChoiceField(label=_("kind of demand"), choices=Kind.choices)
    urgency = forms.ModelChoiceField(UrgencyClass.objects.all(), label=_("urgency"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["category"] = leaf_category_field()
        self.fields["region"] = region_field()
        if ticket.region.level < Region.Level.COMMUNITY:  # the resident did not know it all
            self.fields["region"].help_text = _(
                "The resident gave only “%(place)s”: choose the street or community if the "
                "description or the address tells it."
            ) % {"place": ticket.region.full_name}
        self.order_fields(["kind", "category", "urgency", "region", "note"])
        self.initial.update(
            kind=ticket.kind,
            category=ticket.category_id,
            urgency=ticket.urgency_id,
            region=ticket.region_id,
        )

    def clean(self):
        data = super().clean()
        category = data.get("category")
        # Changing the category brings its default urgency unless urgency was changed too.
        if (
            category
            and category.pk != self.ticket.category_id
            and data.get("urgency")
            and data["urgency"].pk == self.ticket.urgency_id
        ):
            data["urgency"] = category.urgency
        return data

    def perform(self):
        d = self.cleaned_data
        return services.ticket_accept(
            ticket_id=self.ticket.pk,
            actor=self.user,
            kind=d["kind"],
            category=d["category"],
            urgency=d["urgency"],
            region=d["region"],
            note=d["note"],
        )


class AnswerDirectlyForm(ActionForm):
    """Answer with a knowledge-base article (picked by typing; the best match for the ticket's
    description, category and place comes preselected) and/or in the operator's words."""

    action = Action.ANSWER_DIRECTLY
    answer = forms.CharField(
        label=_("answer given to the resident"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional when an article is chosen: the resident gets its link."),
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["article"] = article_field(
            required=False,
            help_text=_("Type words of the question; expired articles are marked and refused."),
        )
        self.order_fields(["article", "answer"])
        best = article_search(
            query=ticket.description,
            audience="staff",
            user=self.user,
            category=ticket.category_id,
            region=ticket.region_id,
            limit=1,
        )
        if best:
            self.initial["article"] = best[0].pk

    def perform(self):
        d = self.cleaned_data
        return services.ticket_answer_directly(
            ticket_id=self.ticket.pk, actor=self.user, answer=d["answer"], article=d["article"]
        )


class CloseAtIntakeForm(ActionForm):
    action = Action.CLOSE_AT_INTAKE
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[
            (o.value, o.label) for o in (Outcome.DUPLICATE, Outcome.INVALID, Outcome.REFERRED)
        ],
        widget=forms.RadioSelect,
    )
    duplicate_of = forms.CharField(
        label=_("original ticket number"), required=False, help_text=_("For a duplicate.")
    )
    referred_to = forms.CharField(
        label=_("referred to"), required=False, help_text=_("For example 110, 119, a court.")
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def perform(self):
        d = self.cleaned_data
        return services.ticket_close_at_intake(
            ticket_id=self.ticket.pk,
            actor=self.user,
            outcome=d["outcome"],
            duplicate_of=d["duplicate_of"].strip() or None,
            referred_to=d["referred_to"],
            note=d["note"],
        )


class DispatchForm(ActionForm):
    action = Action.DISPATCH
    note = forms.CharField(
        label=_("instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        units = handling_units().order_by("kind", "name")
        self.fields["lead"] = forms.ModelChoiceField(
            units, label=_("lead unit"), widget=unit_widget()
        )
        self.fields["co_units"] = forms.ModelMultipleChoiceField(
            units,
            label=_("co-handling units"),
            required=False,
            widget=unit_widget(multiple=True),
            help_text=_("Type part of a unit's name; add as many as needed."),
        )
        self.order_fields(["lead", "co_units", "note"])
        # The catalogue's choice now, passing over any unit that returned the ticket.
        self.suggestion = suggest_lead_unit(
            ticket.category, ticket.region, exclude=selectors.returned_by(ticket)
        )
        if self.suggestion:
            self.initial["lead"] = self.suggestion.pk

    def perform(self):
        d = self.cleaned_data
        return services.ticket_dispatch(
            ticket_id=self.ticket.pk,
            actor=self.user,
            lead=d["lead"],
            co_units=list(d["co_units"]),
            note=d["note"],
        )


class ReturnForm(ActionForm):
    action = Action.RETURN
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        return services.ticket_return(
            ticket_id=self.ticket.pk, actor=self.user, reason=self.cleaned_data["reason"]
        )


class SignAndContactForm(ActionForm):
    action = Action.SIGN_AND_CONTACT
    method = forms.ChoiceField(
        label=_("contact method"),
        choices=Assignment.ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    contacted_at = forms.DateTimeField(
        label=_("contacted resident at"), widget=DateTimeLocalInput()
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "contacted_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        self.initial.setdefault("method", Assignment.ContactMethod.PHONE)

    def perform(self):
        d = self.cleaned_data
        return services.ticket_sign_and_contact(
            ticket_id=self.ticket.pk,
            actor=self.user,
            method=d["method"],
            contacted_at=d["contacted_at"],
            note=d["note"],
        )


class RequestExtensionForm(ActionForm):
    action = Action.REQUEST_EXTENSION
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    reply_due_at = forms.DateTimeField(label=_("new reply deadline"), widget=DateTimeLocalInput())

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        if ticket.reply_due_at:
            self.initial["reply_due_at"] = timezone.localtime(
                ticket.reply_due_at + timedelta(days=7)
            )

    def perform(self):
        d = self.cleaned_data
        return services.ticket_request_extension(
            ticket_id=self.ticket.pk,
            actor=self.user,
            reason=d["reason"],
            reply_due_at=d["reply_due_at"],
        )


class DecideExtensionForm(ActionForm):
    action = Action.DECIDE_EXTENSION
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reply_due_at = forms.DateTimeField(
        label=_("reply deadline"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("The deadline the unit asked for; change it to grant another."),
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting."),
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        facts = getattr(ticket, "facts", None) or rules.Facts(ticket)
        self.initial["decision"] = "approve"
        if facts.pending_extension is not None:
            self.initial["reply_due_at"] = timezone.localtime(
                facts.pending_extension.requested_reply_due_at
            ).replace(second=0, microsecond=0)

    def perform(self):
        d = self.cleaned_data
        due, pending = d["reply_due_at"], rules.Facts(self.ticket).pending_extension
        if due and pending and abs(due - pending.requested_reply_due_at) < timedelta(minutes=1):
            due = None  # the minute shown on the form: grant exactly what was asked
        return services.ticket_decide_extension(
            ticket_id=self.ticket.pk,
            actor=self.user,
            approve=d["decision"] == "approve",
            reply_due_at=due,
            note=d["note"],
        )


class AddNoteForm(ActionForm):
    action = Action.ADD_NOTE
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        return services.ticket_add_note(
            ticket_id=self.ticket.pk, actor=self.user, text=self.cleaned_data["text"]
        )


class SuperviseForm(ActionForm):
    action = Action.SUPERVISE
    instruction = forms.CharField(label=_("instruction"), widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        return services.ticket_supervise(
            ticket_id=self.ticket.pk, actor=self.user, instruction=self.cleaned_data["instruction"]
        )


class ReplyForm(ActionForm):
    action = Action.REPLY
    text = forms.CharField(
        label=_("reply to the resident"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was done, and the result. The resident reads this."),
    )

    def perform(self):
        return services.ticket_reply(
            ticket_id=self.ticket.pk, actor=self.user, text=self.cleaned_data["text"]
        )


class RecordCallbackForm(ActionForm):
    action = Action.RECORD_CALLBACK
    reachable = forms.ChoiceField(
        label=_("resident reached"), choices=YES_NO, widget=forms.RadioSelect, initial="1"
    )
    contacted = forms.ChoiceField(
        label=_("did the unit contact you?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    solved = forms.ChoiceField(
        label=_("is the problem solved?"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    satisfaction = forms.ChoiceField(
        label=_("satisfaction"),
        choices=Callback.Satisfaction.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        if ticket.anonymous:
            # No one to call: the service accepts only an invalid callback (the rates skip it).
            reachable = self.fields["reachable"]
            reachable.choices, reachable.initial = [("0", _("No"))], "0"
            reachable.help_text = _("Anonymous: no one can be called back.")
            for name in ("contacted", "solved", "satisfaction"):
                del self.fields[name]

    def perform(self):
        d = self.cleaned_data
        return services.ticket_record_callback(
            ticket_id=self.ticket.pk,
            actor=self.user,
            reachable=to_bool(d["reachable"]),
            contacted=to_bool(d.get("contacted")),
            solved=to_bool(d.get("solved")),
            satisfaction=d.get("satisfaction", ""),
            comment=d["comment"],
        )


class RequestReopenForm(ActionForm):
    action = Action.REQUEST_REOPEN
    reason = forms.CharField(
        label=_("what is still not solved"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def perform(self):
        return services.ticket_request_reopen(
            ticket_id=self.ticket.pk, actor=self.user, reason=self.cleaned_data["reason"]
        )


class ReopenForm(ActionForm):
    action = Action.REOPEN
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        return services.ticket_reopen(
            ticket_id=self.ticket.pk, actor=self.user, reason=self.cleaned_data["reason"]
        )


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        AnswerDirectlyForm,
        CloseAtIntakeForm,
        DispatchForm,
        ReturnForm,
        SignAndContactForm,
        RequestExtensionForm,
        DecideExtensionForm,
        AddNoteForm,
        SuperviseForm,
        ReplyForm,
        RecordCallbackForm,
        RequestReopenForm,
        ReopenForm,
    )
}


class BulkSuggestedDispatchForm(forms.Form):
    """The intermediate page of "dispatch selected tickets to their suggested units"."""

    note = forms.CharField(
        label=_("instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BulkDispatchForm(BulkSuggestedDispatchForm):
    """The intermediate page of "dispatch selected tickets to one unit"."""

    field_order = ["lead", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"] = forms.ModelChoiceField(
            handling_units().order_by("kind", "name"), label=_("lead unit"), widget=unit_widget()
        )
        self.order_fields(self.field_order)


class PublicationForm(forms.Form):
    """What open data shows of a ticket (`services.ticket_set_publication`)."""

    description = forms.ChoiceField(
        label=_("description in open data"),
        choices=DescriptionPublication.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "By the default rule the description is published de-identified once the ticket is "
            "accepted, except for tickets closed as invalid. The words of a report or a "
            "confidential ticket are never published: at most a summary."
        ),
    )
    summary = forms.CharField(
        label=_("public summary"),
        required=False,
        max_length=services.PUBLIC_SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names, numbers and door numbers are removed from it as well."),
    )
    published_photos = forms.ModelMultipleChoiceField(
        Attachment.objects.none(),
        label=_("photos published as open data"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only photos that show no person, plate or door number."),
    )

    def __init__(self, *args, ticket, **kwargs):
        self.ticket = ticket
        initial = {
            "description": ticket.description_publication,
            "summary": ticket.public_summary,
            "published_photos": [a.pk for a in ticket.attachments.all() if a.published],
        }
        super().__init__(*args, initial=initial, **kwargs)
        photos = self.fields["published_photos"]
        photos.queryset = ticket.attachments.order_by("created_at", "pk")
        photos.label_from_instance = lambda a: a.original_name or _("photo")

    def apply_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    def perform(self, user):
        return services.ticket_set_publication(
            ticket_id=self.ticket.pk,
            actor=user,
            description=self.cleaned_data["description"],
            summary=self.cleaned_data["summary"],
            published_photos=self.cleaned_data["published_photos"],
        )
