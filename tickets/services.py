"""The only writers of ticket state: one function per action of DESIGN.md §4.

Invariants, for every function here:
- it runs in one durable transaction and locks the ticket row (`select_for_update`) before
  reading its status, so two concurrent actions on one ticket serialise and the second sees the
  first's result;
- it checks the transition (`workflow.check`) and the actor (`permissions.check`) before writing;
- it saves with `update_fields` and appends exactly one `TicketEvent`;
- deadlines come from `sla` with the ticket's urgency class and the work calendar;
- the resident's notices are written with the event, in the same transaction
  (`resident_notices.write`); side effects leave only after commit (deliveries are enqueued and
  `ticket_changed` is sent from `on_commit`);
- an adapter's record that must commit with the change (the API's idempotency record) is
  written last, by the callbacks registered with `participants.joining`;
- creation stores the ticket, its first event and its photos together, or nothing.
Two writers end a phone call in one step, each in one transaction of two actions (so two events):
`ticket_answer_call` (phone intake, then answer directly) and `ticket_dispatch_call` (phone
intake, then dispatch); they check everything before writing and store both steps or nothing.
One writer is not a workflow action: `ticket_set_publication` (what open data shows) changes no
status and writes no event; it keeps who decided and when on the ticket.
Errors: ValidationError for bad input (naming the field), TransitionNotAllowed / RuleViolation
(HTTP 409) and NotPermitted (403) from `tickets.exceptions`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.calendar import work_calendar
from departments.catalogue import suggest_lead_unit
from departments.models import Department, Membership, Region
from knowledge import services as knowledge
from suggestions import records as suggestion_records

from . import (
    events,
    lookups,
    numbering,
    participants,
    permissions,
    publication,
    resident_notices,
    rules,
    selectors,
    sla,
    workflow,
)
from .exceptions import NotPermitted, RuleViolation
from .media import MAX_PHOTOS, clean_image
from .models import (
    Assignment,
    Attachment,
    Callback,
    Channel,
    DescriptionPublication,
    Extension,
    Kind,
    Outcome,
    Ticket,
    TicketEvent,
)
from .signals import ticket_changed
from .validation import (
    clean_attributes,
    clean_category,
    clean_choice,
    clean_intake,
    clean_region,
    describe_answers,
    missing,
    required_text,
)
from .workflow import Action, Status

MINUTE = timedelta(minutes=1)
RELATIONS = [f.name for f in Ticket._meta.concrete_fields if f.is_relation]

# ---------------------------------------------------------------------------------------------
# Helpers


def _lock(ticket_id: int) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def _calendar(urgency, start: datetime):
    if not urgency.working_days:
        return sla.NATURAL
    longest = max(
        urgency.accept_limit,
        urgency.dispatch_limit,
        urgency.response_limit,
        urgency.reply_limit,
        urgency.callback_limit,
        urgency.return_window,
    )
    return work_calendar(*sla.days_needed(start, longest))


def _save(ticket: Ticket, fields: list[str]) -> None:
    ticket.due_at = ticket.running_deadline()
    ticket.save(update_fields=[*fields, "due_at", "updated_at"])


def _announce(ticket: Ticket, action: Action, event: TicketEvent) -> None:
    resident_notices.write(ticket, action, event)
    participants.run(ticket, event)
    ticket_id, event_id = ticket.pk, event.pk
    transaction.on_commit(
        lambda: ticket_changed.send(
            sender=Ticket, ticket_id=ticket_id, action=action, event_id=event_id
        )
    )


def _hotline_unit(actor) -> Department | None:
    """The hotline centre the actor works for (for the event's unit column)."""
    if actor is None:
        return None
    membership = (
        Membership.objects.filter(
            user=actor,
            role__in=Membership.HOTLINE_ROLES,
            department__kind=Department.Kind.HOTLINE_CENTRE,
        )
        .select_related("department")
        .first()
    )
    return membership.department if membership else None


def _transition(ticket: Ticket, actor, action: Action, **permission_kwargs) -> tuple[str, Status]:
    """Check status then permission; return (old status, new status)."""
    target = workflow.check(ticket.status, action)
    permissions.check(actor, ticket, action, **permission_kwargs)
    return ticket.status, target


def _check_rules(ticket: Ticket, action: Action, now: datetime) -> rules.Facts:
    """The ticket's state allows `action` (`tickets.rules`, which the buttons ask too); returns
    the facts read, for the service to use (e.g. the lead assignment)."""
    facts = rules.Facts(ticket)
    rules.check(ticket, action, facts, now=now)
    return facts


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Intake


def ticket_submit(
    *,
    actor=None,
    photos=(),
    attributes=None,
    after_create=None,
    email_suffices: bool = False,
    **data,
) -> Ticket:
    """A resident's or client system's demand (web, API, Open311, app): status `submitted`.

    `data` holds the intake fields (see `validation.clean_intake`); `photos` are uploaded files;
    `attributes` answers the category's questions, keyed by question code
    (`validation.clean_attributes`). A demand that answers them may leave out its description:
    the answers, with their questions, are then the description. `email_suffices` lets a named
    demand give an e-mail address without a telephone number (Open311). `after_create(ticket)`
    runs inside the creating transaction, for adapters that keep their own record of the
    submission (which API client sent it): if it fails, nothing is stored.
    """
    cleaned = clean_intake(
        data, description_optional=bool(attributes), email_suffices=email_suffices
    )
    if cleaned["channel"] == Channel.PHONE:
        raise ValidationError({"channel": _("Phone demands are entered by an operator.")})
    cleaned["attributes"] = clean_attributes(cleaned["category"], attributes)
    if not cleaned["description"]:
        cleaned["description"] = describe_answers(cleaned["category"], cleaned["attributes"])
        if not cleaned["description"]:
            raise ValidationError(
                {"description": missing(_("Describe the problem or answer its questions."))}
            )
    images = _clean_photos(photos)
    now = timezone.now()
    number = numbering.next_number(now)
    return _create(
        cleaned,
        images,
        number=number,
        action=Action.SUBMIT,
        actor=actor,
        at=now,
        after_create=after_create,
    )


def ticket_create_from_call(
    *, actor, urgency=None, photos=(), suggestion: str = "", **data
) -> Ticket:
    """An operator's record of a phone call: the ticket starts `accepted`, classified, for the
    dispatchers.

    `urgency` (an UrgencyClass, optional) may raise the category's class, never lower it
    (`rules.urgency_refusal`). `suggestion` is the token the suggestions endpoint answered with
    (what it showed the operator); when given, it is recorded beside the category chosen
    (`suggestions.records`).
    """
    call = _phone_call(actor, data, urgency=urgency, photos=photos, suggestion=suggestion)
    with transaction.atomic(durable=True):
        return _record_call(call, actor)


def ticket_answer_call(
    *,
    actor,
    article,
    answer: str = "",
    urgency=None,
    photos=(),
    suggestion: str = "",
    **data,
) -> Ticket:
    """A consultation answered on the spot from the knowledge base: the call is recorded (as
    `ticket_create_from_call`) and closed as answered citing `article` (as
    `ticket_answer_directly`) in one transaction, so either both happen or nothing is stored.
    The kind must allow a direct answer (`rules.refusal_for_call`) and the article must be
    citable; both are checked before anything is written, and again by the answering step."""
    errors: dict = {}
    try:
        knowledge.citable_article(article)
    except ValidationError as error:
        errors.update(error.message_dict)
    call = _phone_call(
        actor,
        data,
        urgency=urgency,
        photos=photos,
        suggestion=suggestion,
        ending=Action.ANSWER_DIRECTLY,
        errors=errors,
    )
    with transaction.atomic(durable=True):
        ticket = _record_call(call, actor)
        return _answer_directly(ticket_id=ticket.pk, actor=actor, answer=answer, article=article)


def ticket_dispatch_call(
    *,
    actor,
    lead,
    co_units=(),
    note: str = "",
    urgency=None,
    photos=(),
    suggestion: str = "",
    **data,
) -> Ticket:
    """A call recorded and dispatched at once, by a dispatcher: `ticket_create_from_call` and
    `ticket_dispatch` to `lead` (and `co_units`) in one transaction, so either both happen or
    nothing is stored. The unit is checked before anything is written."""
    errors: dict = {}
    try:
        lead = _unit(lead, "lead")
    except ValidationError as error:
        errors.update(error.message_dict)
    call = _phone_call(
        actor,
        data,
        urgency=urgency,
        photos=photos,
        suggestion=suggestion,
        ending=Action.DISPATCH,
        errors=errors,
    )
    with transaction.atomic(durable=True):
        ticket = _record_call(call, actor)
        return _dispatch(ticket_id=ticket.pk, actor=actor, lead=lead, co_units=co_units, note=note)


@dataclass(frozen=True)
class _Call:
    """A phone call checked and numbered, ready to be stored."""

    cleaned: dict
    images: list
    urgency: object
    shown: object  # suggestion_records.Shown or None
    number: str
    at: datetime


def _phone_call(
    actor, data, *, urgency, photos, suggestion, ending: Action | None = None, errors=None
) -> _Call:
    """Check everything a call brings before writing anything: the actor may take calls (and
    end them with `ending`), the intake fields, the urgency against the category, the kind
    against the ending, the suggestion token, the photos. All field errors are raised together
    (with `errors` the caller found already); then the ticket number is taken."""
    permissions.check(actor, Ticket(number=""), Action.PHONE_INTAKE)
    if ending is not None:
        permissions.check(actor, Ticket(number="", status=Status.ACCEPTED), ending)
    errors = dict(errors or {})
    now = timezone.now()
    cleaned = None
    try:
        cleaned = clean_intake({**data, "channel": Channel.PHONE})
    except ValidationError as error:
        errors.update(error.message_dict)
    if cleaned is not None and (reason := rules.urgency_refusal(cleaned["category"], urgency)):
        errors["urgency"] = [reason]
    refusal = None
    if ending is not None and data.get("kind") in Kind.values:
        refusal = rules.refusal_for_call(data["kind"], ending, now=now)
    if refusal:
        errors["kind"] = [refusal]
    shown = images = None
    try:
        shown = suggestion_records.shown_from_token(suggestion) if suggestion else None
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        images = _clean_photos(photos)
    except ValidationError as error:
        errors.update(error.message_dict)
    _raise_if(errors)
    return _Call(cleaned, images, urgency, shown, numbering.next_number(now), now)


def _record_call(call: _Call, actor) -> Ticket:
    """Store a checked call (inside the caller's transaction) with its first event and, when
    suggestions were shown, what they were beside the category chosen."""
    shown = call.shown
    return _insert(
        call.cleaned,
        call.images,
        number=call.number,
        action=Action.PHONE_INTAKE,
        actor=actor,
        at=call.at,
        urgency=call.urgency,
        after_create=None
        if shown is None
        else lambda ticket: suggestion_records.record(
            ticket=ticket, shown=shown, action=Action.PHONE_INTAKE, actor=actor
        ),
    )


def suggestions_refresh() -> int:
    """Store the dispatch catalogue's current suggestion on every ticket waiting to be dispatched
    (submitted or accepted), after the catalogue or the units changed or after an upgrade; returns
    how many tickets got a different one. The suggestion is advice, not state: no status changes,
    no event is written, and `updated_at` is left alone. Tickets that a unit returned pass over
    that unit, as `ticket_return` does."""
    waiting = Ticket.objects.filter(status__in=[Status.SUBMITTED, Status.ACCEPTED])
    returned: dict[int, set[int]] = {}  # ticket id → the units that returned it
    returns = Assignment.objects.filter(ticket__in=waiting, returned_at__isnull=False)
    for ticket_id, unit_id in returns.values_list("ticket_id", "unit_id"):
        returned.setdefault(ticket_id, set()).add(unit_id)
    changed = 0
    pairs = waiting.exclude(pk__in=returned).values_list("category", "region").distinct()
    for category_id, region_id in pairs:
        unit_id = lookups.suggested_unit_id(
            lookups.category_by_pk(category_id), lookups.region_by_pk(region_id)
        )
        changed += (
            waiting.filter(category=category_id, region=region_id)
            .exclude(pk__in=returned)
            .exclude(suggested_unit=unit_id)
            .update(suggested_unit=unit_id)
        )
    for ticket in waiting.filter(pk__in=returned).select_related("category", "region"):
        unit = suggest_lead_unit(ticket.category, ticket.region, exclude=returned[ticket.pk])
        changed += (
            waiting.filter(pk=ticket.pk).exclude(suggested_unit=unit).update(suggested_unit=unit)
        )
    return changed


def _clean_photos(photos) -> list:
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}})
    images, errors = [], []
    for photo in photos:
        try:
            images.append(clean_image(photo))
        except ValidationError as error:
            errors.extend(error.messages)
    _raise_if({"photos": errors} if errors else {})
    return images


@transaction.atomic(durable=True)
def _create(cleaned, images, **kwargs) -> Ticket:
    return _insert(cleaned, images, **kwargs)


def _insert(
    cleaned, images, *, number, action, actor, at, urgency=None, after_create=None
) -> Ticket:
    """Store a new ticket with its photos and first event, inside the caller's transaction."""
    from portal.models import Citizen

    region: Region = cleaned["region"]
    category = cleaned["category"]
    status = workflow.check(None, action)
    ticket = Ticket(
        number=number,
        access_code=numbering.new_access_code(),
        channel=cleaned["channel"],
        kind=cleaned["kind"],
        category=category,
        urgency=urgency or category.urgency,
        description=cleaned["description"],
        region=region,
        district=region.ancestor_at(Region.Level.DISTRICT),
        street=region.ancestor_at(Region.Level.STREET),
        community=region.ancestor_at(Region.Level.COMMUNITY),
        suggested_unit_id=lookups.suggested_unit_id(category, region),
        address=cleaned["address"],
        latitude=cleaned["latitude"],
        longitude=cleaned["longitude"],
        anonymous=cleaned["anonymous"],
        confidential=cleaned["confidential"],
        contact_name=cleaned["contact_name"],
        contact_phone=cleaned["contact_phone"],
        contact_email=cleaned["contact_email"],
        submitted_by=actor,
        status=status,
        submitted_at=at,
        attributes=cleaned.get("attributes") or {},
    )
    calendar = _calendar(ticket.urgency, at)
    if status == Status.SUBMITTED:
        ticket.accept_due_at = sla.accept_deadline(ticket.urgency, at, calendar)
    else:
        ticket.accepted_at = at
        ticket.dispatch_due_at = sla.dispatch_deadline(ticket.urgency, at, calendar)
    if ticket.contact_phone:  # a resident reached by e-mail alone has no record by number
        citizen, created = Citizen.objects.get_or_create(
            phone=ticket.contact_phone,
            defaults={"name": ticket.contact_name, "email": ticket.contact_email},
        )
        if not created and ticket.contact_name and citizen.name != ticket.contact_name:
            citizen.name = ticket.contact_name
            citizen.save(update_fields=["name"])
        ticket.citizen = citizen
    ticket.due_at = ticket.running_deadline()
    # Field checks only: the related rows were just loaded, so re-querying each foreign key (as
    # full_clean would) only costs round trips; the database constraints stay the last word.
    ticket.full_clean(exclude=RELATIONS, validate_unique=False, validate_constraints=False)
    ticket.save()
    for image in images:
        Attachment.objects.create(
            ticket=ticket,
            file=image.content,
            original_name=image.original_name,
            content_type=image.content_type,
            size=image.content.size,
            width=image.width,
            height=image.height,
            uploaded_by=actor,
            created_at=at,
        )
    unit = _hotline_unit(actor) if action == Action.PHONE_INTAKE else None
    event = events.record(
        ticket,
        action=action,
        actor=actor,
        from_status="",
        unit=unit,
        at=at,
        data={"channel": ticket.channel, "photos": len(images)},
    )
    if after_create is not None:
        after_create(ticket)
    _announce(ticket, action, event)
    return ticket


@transaction.atomic(durable=True)
def ticket_accept(
    *,
    ticket_id: int,
    actor,
    kind=None,
    category=None,
    urgency=None,
    region=None,
    note="",
    suggestion: str = "",
) -> Ticket:
    """Classify a submitted demand; the dispatch clock starts. `suggestion`: as for
    `ticket_create_from_call`, recorded beside the category the ticket is accepted under."""
    shown = suggestion_records.shown_from_token(suggestion) if suggestion else None
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.ACCEPT)
    errors: dict = {}
    if kind is not None:
        ticket.kind = clean_choice(kind, Kind, errors, "kind")
    if category is not None:
        ticket.category = clean_category(category, errors)
    if region is not None:
        region = clean_region(region, errors)
        if region is not None:
            ticket.region = region
            ticket.district = region.ancestor_at(Region.Level.DISTRICT)
            ticket.street = region.ancestor_at(Region.Level.STREET)
            ticket.community = region.ancestor_at(Region.Level.COMMUNITY)
    _raise_if(errors)
    ticket.urgency = urgency or (
        ticket.category.urgency if category is not None else ticket.urgency
    )
    # Classified now: the catalogue's suggestion for the (perhaps corrected) category and place.
    ticket.suggested_unit_id = lookups.suggested_unit_id(ticket.category, ticket.region)
    now = timezone.now()
    ticket.status = new
    ticket.accepted_at = now
    ticket.dispatch_due_at = sla.dispatch_deadline(
        ticket.urgency, now, _calendar(ticket.urgency, now)
    )
    _save(
        ticket,
        [
            "status",
            "kind",
            "category",
            "urgency",
            "region",
            "district",
            "street",
            "community",
            "suggested_unit",
            "accepted_at",
            "dispatch_due_at",
        ],
    )
    event = events.record(
        ticket,
        action=Action.ACCEPT,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        note=note,
        at=now,
        data={"category": ticket.category.code, "urgency": ticket.urgency.code},
    )
    if shown is not None:
        suggestion_records.record(ticket=ticket, shown=shown, action=Action.ACCEPT, actor=actor)
    _announce(ticket, Action.ACCEPT, event)
    return ticket


@transaction.atomic(durable=True)
def ticket_answer_directly(*, ticket_id: int, actor, answer: str = "", article=None) -> Ticket:
    """Close a consultation answered on the spot from the knowledge base.

    `article` (an Article or its id, optional) is the knowledge-base article the operator
    answered with: it must be published and in effect; it is cited in the event (the public
    trajectory names its title, `data["article"]`), counted as one use, and its public link goes
    to the resident. `answer` (what the operator said) is required without an article."""
    return _answer_directly(ticket_id=ticket_id, actor=actor, answer=answer, article=article)


def _answer_directly(*, ticket_id: int, actor, answer: str, article) -> Ticket:
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.ANSWER_DIRECTLY)
    errors: dict = {}
    cited = None
    if article not in (None, ""):
        try:
            cited = knowledge.citable_article(article)
        except ValidationError as error:
            errors.update(error.message_dict)
    # Without an article the operator's words are the answer; with one they are optional.
    answer = (answer or "").strip() if cited else required_text(answer, "answer", errors)
    _raise_if(errors)
    now = timezone.now()
    _check_rules(ticket, Action.ANSWER_DIRECTLY, now)
    ticket.status, ticket.outcome = new, Outcome.ANSWERED
    ticket.reply_text = answer or cited.title
    ticket.replied_at, ticket.closed_at = now, now
    ticket.accepted_at = ticket.accepted_at or now
    _save(ticket, ["status", "outcome", "reply_text", "replied_at", "closed_at", "accepted_at"])
    data = {}
    if cited is not None:
        data = {
            "article": cited.pk,
            "article_title": cited.title,
            "article_url": cited.get_public_url() or "",
        }
    event = events.record(
        ticket,
        action=Action.ANSWER_DIRECTLY,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        note=answer,
        data=data,
        at=now,
    )
    if cited is not None:
        knowledge.article_record_use(article=cited, ticket=ticket, actor=actor, at=now)
    _announce(ticket, Action.ANSWER_DIRECTLY, event)
    return ticket


CLOSE_AT_INTAKE_OUTCOMES = (Outcome.DUPLICATE, Outcome.INVALID, Outcome.REFERRED)


@transaction.atomic(durable=True)
def ticket_close_at_intake(
    *, ticket_id: int, actor, outcome: str, duplicate_of=None, referred_to: str = "", note=""
) -> Ticket:
    """Close without dispatch: a duplicate (linked to its original), invalid, or referred."""
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.CLOSE_AT_INTAKE)
    errors: dict = {}
    if outcome not in CLOSE_AT_INTAKE_OUTCOMES:
        errors["outcome"] = [_("Choose duplicate, invalid or referred.")]
    original = None
    if outcome == Outcome.DUPLICATE:
        original = _original_ticket(duplicate_of, ticket, errors)
    if outcome == Outcome.REFERRED:
        referred_to = required_text(
            referred_to, "referred_to", errors, _("Say where the resident was referred.")
        )
    if outcome == Outcome.INVALID:
        note = required_text(note, "note", errors, _("Say why the demand is invalid."))
    _raise_if(errors)
    now = timezone.now()
    ticket.status, ticket.outcome, ticket.closed_at = new, outcome, now
    ticket.duplicate_of = original
    ticket.referred_to = referred_to if outcome == Outcome.REFERRED else ""
    _save(ticket, ["status", "outcome", "closed_at", "duplicate_of", "referred_to"])
    event = events.record(
        ticket,
        action=Action.CLOSE_AT_INTAKE,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        note=note,
        at=now,
        data={
            "outcome": outcome,
            "duplicate_of": original.number if original else "",
            "referred_to": ticket.referred_to,
        },
    )
    _announce(ticket, Action.CLOSE_AT_INTAKE, event)
    return ticket


def _original_ticket(value, ticket: Ticket, errors: dict) -> Ticket | None:
    if value in (None, ""):
        errors["duplicate_of"] = [_("Name the original ticket.")]
        return None
    if isinstance(value, Ticket):
        original = Ticket.objects.filter(pk=value.pk).first()
    else:
        original = Ticket.objects.filter(number=str(value)).first()
    if original is None:
        errors["duplicate_of"] = [_("No ticket has that number.")]
    elif original.pk == ticket.pk:
        errors["duplicate_of"] = [_("A ticket cannot duplicate itself.")]
    elif original.duplicate_of_id:
        # Link to the root, so chains of duplicates never form.
        return original.duplicate_of
    return original if "duplicate_of" not in errors else None


# ---------------------------------------------------------------------------------------------
# Dispatch and handling


@transaction.atomic(durable=True)
def ticket_dispatch(*, ticket_id: int, actor, lead, co_units=(), note: str = "") -> Ticket:
    """Send the ticket to a lead unit and optional co-handling units; the handling clocks start.

    A street office's district government is informed (it sees the ticket, need not act).
    """
    return _dispatch(ticket_id=ticket_id, actor=actor, lead=lead, co_units=co_units, note=note)


def _dispatch(*, ticket_id: int, actor, lead, co_units, note: str) -> Ticket:
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.DISPATCH)
    lead = _unit(lead, "lead")
    co = [_unit(u, "co_units") for u in co_units]
    co = list({u.pk: u for u in co if u.pk != lead.pk}.values())
    now = timezone.now()
    urgency = ticket.urgency
    calendar = _calendar(urgency, now)
    ticket.status = new
    ticket.lead_unit = lead
    ticket.dispatched_at = now
    ticket.response_due_at = sla.response_deadline(urgency, now, calendar)
    ticket.reply_due_at = sla.reply_deadline(urgency, now, calendar)
    ticket.contacted_at = None
    _save(
        ticket,
        ["status", "lead_unit", "dispatched_at", "response_due_at", "reply_due_at", "contacted_at"],
    )
    common = {"ticket": ticket, "round": ticket.round, "dispatched_at": now, "dispatched_by": actor}
    rows = [
        Assignment(
            **common,
            unit=lead,
            role=Assignment.Role.LEAD,
            dispatch_due_at=ticket.dispatch_due_at,
            response_due_at=ticket.response_due_at,
            reply_due_at=ticket.reply_due_at,
            return_due_at=sla.return_deadline(urgency, now, calendar),
        )
    ]
    rows += [Assignment(**common, unit=u, role=Assignment.Role.CO) for u in co]
    informed = lead.parent if lead.kind == Department.Kind.STREET_OFFICE else None
    if informed is not None and informed.pk not in {u.pk for u in co}:
        rows.append(Assignment(**common, unit=informed, role=Assignment.Role.INFORMED))
    Assignment.objects.bulk_create(rows)
    event = events.record(
        ticket,
        action=Action.DISPATCH,
        actor=actor,
        from_status=old,
        unit=lead,
        note=note,
        at=now,
        data={
            "lead": lead.code,
            "co_units": [u.code for u in co],
            "informed": informed.code if informed else "",
            "response_due_at": ticket.response_due_at.isoformat(),
            "reply_due_at": ticket.reply_due_at.isoformat(),
        },
    )
    _announce(ticket, Action.DISPATCH, event)
    return ticket


def _unit(value, field) -> Department:
    if isinstance(value, Department):
        unit = value
    else:
        lookup = (
            {"code": value} if isinstance(value, str) and not value.isdigit() else {"pk": value}
        )
        unit = Department.objects.filter(**lookup).first() if value not in (None, "") else None
    if unit is None:
        raise ValidationError({field: _("Unknown unit.")})
    if not unit.is_active or unit.kind == Department.Kind.HOTLINE_CENTRE:
        raise ValidationError({field: _("This unit cannot handle tickets.")})
    return unit


@transaction.atomic(durable=True)
def ticket_return(*, ticket_id: int, actor, reason: str) -> Ticket:
    """The lead unit sends a wrongly dispatched ticket back (退单), once, within the window."""
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.RETURN)
    errors: dict = {}
    reason = required_text(reason, "reason", errors, _("Say why the ticket is returned."))
    _raise_if(errors)
    now = timezone.now()
    lead = _check_rules(ticket, Action.RETURN, now).lead
    lead.returned_at, lead.return_reason, lead.active = now, reason, False
    lead.save(update_fields=["returned_at", "return_reason", "active"])
    ticket.assignments.filter(active=True).update(active=False)
    ticket.status = new
    ticket.lead_unit = None
    ticket.response_due_at = ticket.reply_due_at = None
    ticket.dispatch_due_at = sla.dispatch_deadline(
        ticket.urgency, now, _calendar(ticket.urgency, now)
    )
    # The catalogue's next choice: never a unit that returned the ticket.
    ticket.suggested_unit = suggest_lead_unit(
        ticket.category, ticket.region, exclude=selectors.returned_by(ticket)
    )
    _save(
        ticket,
        [
            "status",
            "lead_unit",
            "suggested_unit",
            "response_due_at",
            "reply_due_at",
            "dispatch_due_at",
        ],
    )
    event = events.record(
        ticket,
        action=Action.RETURN,
        actor=actor,
        from_status=old,
        unit=lead.unit,
        note=reason,
        at=now,
    )
    _announce(ticket, Action.RETURN, event)
    return ticket


@transaction.atomic(durable=True)
def ticket_sign_and_contact(
    *, ticket_id: int, actor, method: str, contacted_at: datetime | None = None, note: str = ""
) -> Ticket:
    """The lead unit signs for the ticket and records its first contact with the resident."""
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.SIGN_AND_CONTACT)
    now = timezone.now()
    contacted_at = contacted_at or now
    if ticket.dispatched_at and timedelta(0) < ticket.dispatched_at - contacted_at < MINUTE:
        # Staff give times to the minute: "10:32" for a call right after a 10:32:40 dispatch.
        contacted_at = ticket.dispatched_at
    errors: dict = {}
    clean_choice(method, Assignment.ContactMethod, errors, "method")
    if contacted_at > now:
        errors["contacted_at"] = [_("The contact time cannot be in the future.")]
    elif ticket.dispatched_at and contacted_at < ticket.dispatched_at:
        errors["contacted_at"] = [_("The contact time cannot be before the dispatch.")]
    _raise_if(errors)
    lead = _check_rules(ticket, Action.SIGN_AND_CONTACT, now).lead
    lead.signed_at, lead.contacted_at, lead.contact_method = now, contacted_at, method
    lead.save(update_fields=["signed_at", "contacted_at", "contact_method"])
    ticket.status, ticket.contacted_at = new, contacted_at
    _save(ticket, ["status", "contacted_at"])
    event = events.record(
        ticket,
        action=Action.SIGN_AND_CONTACT,
        actor=actor,
        from_status=old,
        unit=lead.unit,
        note=note,
        at=now,
        data={
            "method": method,
            "contacted_at": contacted_at.isoformat(),
            "on_time": bool(ticket.response_due_at and contacted_at <= ticket.response_due_at),
        },
    )
    _announce(ticket, Action.SIGN_AND_CONTACT, event)
    return ticket


@transaction.atomic(durable=True)
def ticket_request_extension(
    *, ticket_id: int, actor, reason: str, reply_due_at: datetime
) -> Extension:
    """The lead unit asks for a later reply deadline; a dispatcher decides."""
    ticket = _lock(ticket_id)
    old, _new = _transition(ticket, actor, Action.REQUEST_EXTENSION)
    errors: dict = {}
    reason = required_text(reason, "reason", errors, _("Say why more time is needed."))
    if reply_due_at is None:
        errors["reply_due_at"] = [_("Give the new reply deadline.")]
    elif ticket.reply_due_at and reply_due_at <= ticket.reply_due_at:
        errors["reply_due_at"] = [_("The new deadline must be later than the current one.")]
    _raise_if(errors)
    now = timezone.now()
    lead = _check_rules(ticket, Action.REQUEST_EXTENSION, now).lead
    extension = Extension.objects.create(
        ticket=ticket,
        assignment=lead,
        reason=reason,
        requested_reply_due_at=reply_due_at,
        previous_reply_due_at=ticket.reply_due_at,
        requested_by=actor,
        requested_at=now,
    )
    ticket.save(update_fields=["updated_at"])
    event = events.record(
        ticket,
        action=Action.REQUEST_EXTENSION,
        actor=actor,
        from_status=old,
        unit=lead.unit,
        note=reason,
        public=False,
        at=now,
        data={"extension": extension.pk, "requested_reply_due_at": reply_due_at.isoformat()},
    )
    _announce(ticket, Action.REQUEST_EXTENSION, event)
    return extension


@transaction.atomic(durable=True)
def ticket_decide_extension(
    *,
    ticket_id: int,
    actor,
    approve: bool,
    note: str = "",
    reply_due_at: datetime | None = None,
) -> Extension:
    """A dispatcher approves (optionally with another deadline) or rejects the pending request.

    An approval moves the reply deadline and is shown to the resident with its reason.
    """
    ticket = _lock(ticket_id)
    old, _new = _transition(ticket, actor, Action.DECIDE_EXTENSION)
    now = timezone.now()
    extension = _check_rules(ticket, Action.DECIDE_EXTENSION, now).pending_extension
    errors: dict = {}
    if approve:
        new_due = reply_due_at or extension.requested_reply_due_at
        if ticket.reply_due_at and new_due <= ticket.reply_due_at:
            errors["reply_due_at"] = [_("The new deadline must be later than the current one.")]
    else:
        note = required_text(note, "note", errors, _("Say why the request is rejected."))
    _raise_if(errors)
    extension.decision = Extension.Decision.APPROVED if approve else Extension.Decision.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note
    extension.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    data = {"extension": extension.pk, "approved": approve}
    if approve:
        ticket.reply_due_at = new_due
        _save(ticket, ["reply_due_at"])
        Assignment.objects.filter(pk=extension.assignment_id).update(reply_due_at=new_due)
        data["reply_due_at"] = new_due.isoformat()
    else:
        ticket.save(update_fields=["updated_at"])
    event = events.record(
        ticket,
        action=Action.DECIDE_EXTENSION,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        # The resident is told about an approved extension and its reason.
        note=extension.reason if approve else note,
        public=approve,
        at=now,
        data=data,
    )
    _announce(ticket, Action.DECIDE_EXTENSION, event)
    return extension


@transaction.atomic(durable=True)
def ticket_add_note(*, ticket_id: int, actor, text: str) -> TicketEvent:
    """An internal note: co-units report their part to the lead unit here."""
    ticket = _lock(ticket_id)
    active_units = frozenset(
        ticket.assignments.filter(active=True).values_list("unit_id", flat=True)
    )
    old, _new = _transition(ticket, actor, Action.ADD_NOTE, active_unit_ids=active_units)
    errors: dict = {}
    text = required_text(text, "text", errors)
    _raise_if(errors)
    own = permissions.unit_ids(actor) & active_units if actor else frozenset()
    unit = Department.objects.filter(pk__in=own).first() if own else _hotline_unit(actor)
    ticket.save(update_fields=["updated_at"])
    event = events.record(
        ticket, action=Action.ADD_NOTE, actor=actor, from_status=old, unit=unit, note=text
    )
    _announce(ticket, Action.ADD_NOTE, event)
    return event


@transaction.atomic(durable=True)
def ticket_supervise(*, ticket_id: int, actor, instruction: str) -> Ticket:
    """督办: mark the ticket supervised with an instruction; the unit head is notified."""
    ticket = _lock(ticket_id)
    old, _new = _transition(ticket, actor, Action.SUPERVISE)
    errors: dict = {}
    instruction = required_text(instruction, "instruction", errors)
    _raise_if(errors)
    ticket.supervised = True
    _save(ticket, ["supervised"])
    event = events.record(
        ticket,
        action=Action.SUPERVISE,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        note=instruction,
        data={"lead": ticket.lead_unit.code if ticket.lead_unit_id else ""},
    )
    _announce(ticket, Action.SUPERVISE, event)
    return ticket


@transaction.atomic(durable=True)
def ticket_reply(*, ticket_id: int, actor, text: str) -> Ticket:
    """The lead unit's result for the resident and the hotline; the callback clock starts."""
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.REPLY)
    errors: dict = {}
    text = required_text(text, "text", errors, _("Write the reply to the resident."))
    _raise_if(errors)
    now = timezone.now()
    lead = _check_rules(ticket, Action.REPLY, now).lead
    lead.replied_at = now
    lead.save(update_fields=["replied_at"])
    ticket.status, ticket.reply_text, ticket.replied_at = new, text, now
    ticket.callback_due_at = sla.callback_deadline(
        ticket.urgency,
        replied_at=now,
        reply_due_at=ticket.reply_due_at,
        calendar=_calendar(ticket.urgency, min(now, ticket.reply_due_at or now)),
    )
    _save(ticket, ["status", "reply_text", "replied_at", "callback_due_at"])
    event = events.record(
        ticket,
        action=Action.REPLY,
        actor=actor,
        from_status=old,
        unit=lead.unit,
        note=text,
        at=now,
        data={"on_time": bool(ticket.reply_due_at and now <= ticket.reply_due_at)},
    )
    _announce(ticket, Action.REPLY, event)
    return ticket


@transaction.atomic(durable=True)
def ticket_record_callback(
    *,
    ticket_id: int,
    actor,
    reachable: bool = True,
    contacted: bool | None = None,
    solved: bool | None = None,
    satisfaction: str = "",
    comment: str = "",
) -> Callback:
    """回访: record the resident's verdict and close the ticket.

    `actor` None is the resident on the tracking page. An unreachable resident (or an anonymous
    ticket, which has no one to call) gives an invalid callback, excluded from the three rates.
    """
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.RECORD_CALLBACK)
    errors: dict = {}
    if actor is None and not reachable:
        errors["reachable"] = [_("Answer the questions to rate the result.")]
    if reachable:
        if ticket.anonymous:
            raise RuleViolation(_("An anonymous ticket cannot have a callback."))
        if contacted is None:
            errors["contacted"] = [_("Say whether the unit contacted the resident.")]
        if solved is None:
            errors["solved"] = [_("Say whether the problem was solved.")]
        clean_choice(satisfaction, Callback.Satisfaction, errors, "satisfaction")
    _raise_if(errors)
    now = timezone.now()
    callback = Callback.objects.create(
        ticket=ticket,
        unit=ticket.lead_unit,
        round=ticket.round,
        source=Callback.Source.RESIDENT if actor is None else Callback.Source.OPERATOR,
        recorded_by=actor,
        recorded_at=now,
        valid=reachable,
        contacted=contacted if reachable else None,
        solved=solved if reachable else None,
        satisfaction=satisfaction if reachable else "",
        comment=(comment or "").strip(),
    )
    ticket.status, ticket.outcome, ticket.closed_at = new, Outcome.HANDLED, now
    _save(ticket, ["status", "outcome", "closed_at"])
    event = events.record(
        ticket,
        action=Action.RECORD_CALLBACK,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        note=callback.comment,
        at=now,
        data={
            "valid": reachable,
            "contacted": callback.contacted,
            "solved": callback.solved,
            "satisfaction": callback.satisfaction,
        },
    )
    _announce(ticket, Action.RECORD_CALLBACK, event)
    return callback


@transaction.atomic(durable=True)
def ticket_request_reopen(*, ticket_id: int, actor, reason: str) -> TicketEvent:
    """The resident (on the tracking page, `actor` None) or the hotline on their behalf says a
    closed ticket is not solved. The request reaches the dispatchers; `ticket_reopen` acts on it.
    """
    ticket = _lock(ticket_id)
    old, _new = _transition(ticket, actor, Action.REQUEST_REOPEN)
    errors: dict = {}
    reason = required_text(reason, "reason", errors, _("Say what is still not solved."))
    _raise_if(errors)
    now = timezone.now()
    _check_rules(ticket, Action.REQUEST_REOPEN, now)
    ticket.reopen_requested_at = now
    _save(ticket, ["reopen_requested_at"])
    event = events.record(
        ticket,
        action=Action.REQUEST_REOPEN,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        note=reason,
        at=now,
    )
    _announce(ticket, Action.REQUEST_REOPEN, event)
    return event


@transaction.atomic(durable=True)
def ticket_reopen(*, ticket_id: int, actor, reason: str) -> Ticket:
    """The same ticket goes round again (e.g. the resident says it is not solved).

    Its history stays; the current round's handling fields are cleared and a new dispatch
    deadline starts.
    """
    ticket = _lock(ticket_id)
    old, new = _transition(ticket, actor, Action.REOPEN)
    errors: dict = {}
    reason = required_text(reason, "reason", errors, _("Say why the ticket is reopened."))
    _raise_if(errors)
    now = timezone.now()
    ticket.assignments.filter(active=True).update(active=False)
    ticket.status, ticket.outcome = new, ""
    ticket.round += 1
    ticket.accepted_at = ticket.accepted_at or now
    ticket.dispatch_due_at = sla.dispatch_deadline(
        ticket.urgency, now, _calendar(ticket.urgency, now)
    )
    ticket.lead_unit = ticket.duplicate_of = None
    ticket.referred_to = ticket.reply_text = ""
    ticket.dispatched_at = ticket.contacted_at = ticket.replied_at = ticket.closed_at = None
    ticket.response_due_at = ticket.reply_due_at = ticket.callback_due_at = None
    ticket.reopen_requested_at = None
    _save(
        ticket,
        [
            "status",
            "outcome",
            "round",
            "accepted_at",
            "dispatch_due_at",
            "lead_unit",
            "duplicate_of",
            "referred_to",
            "reply_text",
            "dispatched_at",
            "contacted_at",
            "replied_at",
            "closed_at",
            "response_due_at",
            "reply_due_at",
            "callback_due_at",
            "reopen_requested_at",
        ],
    )
    event = events.record(
        ticket,
        action=Action.REOPEN,
        actor=actor,
        from_status=old,
        unit=_hotline_unit(actor),
        note=reason,
        at=now,
        data={"round": ticket.round},
    )
    _announce(ticket, Action.REOPEN, event)
    return ticket


# ---------------------------------------------------------------------------------------------
# Open data


PUBLIC_SUMMARY_MAX = 1000


@transaction.atomic(durable=True)
def ticket_set_publication(
    *, ticket_id: int, actor, description: str, summary: str = "", published_photos=()
) -> Ticket:
    """The hotline decides what open data shows of a ticket (`tickets.publication`).

    `description` is a `DescriptionPublication` (a summary needs its text); `published_photos`
    are the ids of the ticket's photos to publish, every other photo of the ticket is not.
    """
    ticket = _lock(ticket_id)
    if not permissions.may_decide_publication(actor):
        raise NotPermitted(_("You may not decide what open data shows of a ticket."))
    errors: dict = {}
    description = clean_choice(description, DescriptionPublication, errors, "description")
    summary = (summary or "").strip()
    if description == DescriptionPublication.SUMMARY and not summary:
        errors["summary"] = [_("Write the public summary.")]
    if description == DescriptionPublication.SCRUBBED and publication.is_protected(ticket):
        errors["description"] = [
            _(
                "The resident's own words are never published for a report or a confidential "
                "ticket: write a summary or publish nothing."
            )
        ]
    if len(summary) > PUBLIC_SUMMARY_MAX:
        errors["summary"] = [
            _("At most %(n)d characters.") % {"n": PUBLIC_SUMMARY_MAX},
        ]
    try:
        photo_ids = {int(getattr(p, "pk", p)) for p in published_photos}
    except (TypeError, ValueError):
        photo_ids = None
    own = set(ticket.attachments.values_list("pk", flat=True))
    if photo_ids is None or not photo_ids <= own:
        errors["published_photos"] = [_("Choose photos of this ticket.")]
    _raise_if(errors)
    ticket.description_publication = description
    ticket.public_summary = summary
    ticket.publication_decided_by = actor
    ticket.publication_decided_at = timezone.now()
    ticket.save(
        update_fields=[
            "description_publication",
            "public_summary",
            "publication_decided_by",
            "publication_decided_at",
            "updated_at",
        ]
    )
    ticket.attachments.filter(pk__in=photo_ids).update(published=True)
    ticket.attachments.exclude(pk__in=photo_ids).update(published=False)
    return ticket
