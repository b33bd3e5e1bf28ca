"""Writing the trajectory. Only the services call `record`, inside their transaction."""

from django.utils import timezone

from .models import TicketEvent
from .workflow import Action

# Actions whose events the resident sees on the tracking page. Internal notes, supervision and
# returns stay between the hotline and the units.
PUBLIC_ACTIONS = frozenset(
    {
        Action.SUBMIT,
        Action.PHONE_INTAKE,
        Action.ACCEPT,
        Action.ANSWER_DIRECTLY,
        Action.CLOSE_AT_INTAKE,
        Action.DISPATCH,
        Action.SIGN_AND_CONTACT,
        Action.DECIDE_EXTENSION,
        Action.REPLY,
        Action.RECORD_CALLBACK,
        Action.REQUEST_REOPEN,
        Action.REOPEN,
    }
)


def actor_label(actor) -> str:
    """The actor's name as it was when acting; empty for the resident (shown translated)."""
    if actor is None:
        return ""
    return actor.get_full_name() or actor.get_username()


def record(
    ticket,
    *,
    action: Action,
    actor,
    from_status: str,
    unit=None,
    note: str = "",
    public: bool | None = None,
    data: dict | None = None,
    at=None,
) -> TicketEvent:
    """Append one event; `ticket.status` must already hold the new status."""
    return TicketEvent.objects.create(
        ticket=ticket,
        created_at=at or timezone.now(),
        action=action,
        from_status=from_status or "",
        to_status=ticket.status,
        actor=actor,
        actor_name=actor_label(actor),
        unit=unit,
        note=note,
        public=action in PUBLIC_ACTIONS if public is None else public,
        data=data or {},
    )
