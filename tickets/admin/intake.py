"""The call-taker's desk (phone intake): the form and its three endings.

The form only reads what was typed; the services decide. A call ends in one step, one service
call each: answered directly with a knowledge-base article (`services.ticket_answer_call`),
created and dispatched to the unit the desk showed (`services.ticket_dispatch_call`, dispatchers
only), or created for the dispatchers (`services.ticket_create_from_call`). What the desk offers
comes from the same rules the services check (`tickets.rules`: which kinds may be answered
directly, which urgency classes a category may be given; `tickets.permissions`: who may end a
call how), so a button the page shows is an ending the service accepts.

Keyboard shortcuts are `accesskey`s (Alt + key; Option + key on a Mac with JavaScript,
Ctrl + Option + key without), written here once and rendered by the template; the desk's script
handles them itself so they work the same in every browser.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import permissions, services
from ..media import MAX_PHOTOS
from ..models import Kind, Ticket, UrgencyClass
from ..phones import phone_or_none
from ..workflow import Action, Status
from .forms import ActionForm

# Alt + the pinyin initial of each kind: 咨询 zīxún, 求助 qiúzhù, 投诉 tóusù, 举报 jǔbào,
# 建议 jiànyì (J is taken by 举报), 表扬 biǎoyáng.
KIND_KEYS = {
    Kind.CONSULTATION: "z",
    Kind.HELP: "q",
    Kind.COMPLAINT: "t",
    Kind.REPORT: "j",
    Kind.SUGGESTION: "y",
    Kind.PRAISE: "b",
}
# The rest of the desk. Alt+D, E and F are the browsers' own; Alt+digits switch tabs on Linux.
KEYS = {
    "first_category": "g",  # take the first suggested category
    "category": "l",  # 类别
    "urgency": "u",
    "address": "a",
    "place": "w",  # 位置
    "answer": "h",  # 回答: answer with the first article that may be cited
    "dispatch": "p",  # 派单
    "accept": "s",  # 受理
    "suggest": "k",
    "name": "m",  # 名
}


KEY_LABELS = {
    "first_category": _("take the first suggested category"),
    "category": _("type the category"),
    "urgency": _("urgency"),
    "address": _("type the address (the place follows)"),
    "place": _("type the place"),
    "answer": _("answer with the first article that may be cited"),
    "dispatch": _("create and dispatch to the unit shown"),
    "accept": _("create for the dispatchers"),
    "suggest": _("suggest again (without JavaScript: the page is sent)"),
    "name": _("the caller's name"),
}


def shortcuts() -> list[tuple[str, str]]:
    """(key, what it does) for the desk's legend, kinds first."""
    kinds = [
        (key, label)
        for kind, key in KIND_KEYS.items()
        for value, label in Kind.choices
        if value == kind
    ]
    return [*kinds, *((KEYS[name], label) for name, label in KEY_LABELS.items())]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class IntakeForm(forms.Form):
    """What the call-taker typed. The template renders the fields itself (the desk's layout);
    category and place are codes the comboboxes (or, without JavaScript, the buttons of the
    server's search) fill in."""

    contact_phone = forms.CharField(
        label=_("caller's number (mobile or landline)"), required=False, max_length=40
    )
    description = forms.CharField(
        label=_("what the caller says"), required=False, widget=forms.Textarea
    )
    kind = forms.ChoiceField(
        label=_("kind of demand"),
        choices=Kind.choices,
        error_messages={"required": _("Choose the kind of demand.")},
    )
    category = forms.CharField(required=False, max_length=60)
    category_query = forms.CharField(label=_("category"), required=False, max_length=60)
    urgency = forms.ModelChoiceField(
        UrgencyClass.objects.all(), to_field_name="code", label=_("urgency"), required=False
    )
    region = forms.CharField(required=False, max_length=12)
    place_query = forms.CharField(label=_("place"), required=False, max_length=60)
    address = forms.CharField(label=_("address"), required=False, max_length=200)
    contact_name = forms.CharField(label=_("caller's name"), required=False, max_length=50)
    anonymous = forms.BooleanField(label=_("anonymous (no callback possible)"), required=False)
    confidential = forms.BooleanField(
        label=_("keep the name from the handling unit"), required=False
    )
    photos = MultipleFileField(label=_("photos"), required=False)
    suggestion = forms.CharField(required=False, max_length=1000)
    lead = forms.CharField(required=False, max_length=40)

    apply_service_errors = ActionForm.apply_service_errors

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS})
        return photos

    def phone(self) -> str | None:
        """The caller's number in its normal form, once a valid one has been typed."""
        return phone_or_none(self.data.get("contact_phone")) if self.is_bound else None

    def call_arguments(self) -> dict:
        """The call as the services take it."""
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
            "suggestion": d["suggestion"],
        }


# -- the endings ---------------------------------------------------------------------------------

ANSWER, DISPATCH, ACCEPT = "answer", "dispatch", "accept"


@dataclass(frozen=True)
class Endings:
    """The endings `user` may give a call: each asks the permission the service checks."""

    answer: bool
    dispatch: bool

    @classmethod
    def for_user(cls, user) -> "Endings":
        call = Ticket(number="", status=Status.ACCEPTED)
        return cls(
            answer=permissions.can(user, call, Action.ANSWER_DIRECTLY),
            dispatch=permissions.can(user, call, Action.DISPATCH),
        )


def ending_of(post) -> tuple[str | None, str]:
    """Which ending button was pressed, and its value (the article's id for an answer); None
    for every other button (suggest, take a category or a place), which only re-renders."""
    if post.get("answer_with"):
        return ANSWER, post["answer_with"]
    if post.get("ending") in (DISPATCH, ACCEPT):
        return post["ending"], ""
    return None, ""


def end_call(ending: str, value: str, *, form: IntakeForm, actor, lead=None) -> Ticket:
    """Record the call and end it as asked, through one service call."""
    call = form.call_arguments()
    if ending == ANSWER:
        return services.ticket_answer_call(actor=actor, article=value, **call)
    if ending == DISPATCH:
        return services.ticket_dispatch_call(actor=actor, lead=lead, **call)
    return services.ticket_create_from_call(actor=actor, **call)
