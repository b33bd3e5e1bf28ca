"""The change feed's items (`GET /api/v1/changes/`), also the `data` of every webhook."""

from rest_framework import serializers

from tickets.changes import EVENT_TYPES, Cursor, event_type

from ..scope import internal_ticket_ids
from .reference import EventOutputSerializer
from .tickets import TicketListOutputSerializer

# What the items read, besides the event: in one query with the events.
EVENT_RELATED = [
    "unit",
    "ticket__category",
    "ticket__region",
    "ticket__lead_unit",
    "ticket__client_submission",
]


class ChangeOutputSerializer(serializers.Serializer):
    cursor = serializers.CharField(help_text="the feed's position just after this change")
    type = serializers.ChoiceField(choices=[(t, t) for t in EVENT_TYPES])
    ticket = TicketListOutputSerializer(
        help_text="the ticket as the list shows it (resident masked), as it is now"
    )
    event = EventOutputSerializer(help_text="the trajectory event, as the trajectory shows it")


class ChangePageOutputSerializer(serializers.Serializer):
    changes = ChangeOutputSerializer(many=True)
    next = serializers.CharField(
        help_text="pass it back as `after`; it moves on even when no change was in your scope"
    )
    more = serializers.BooleanField(help_text="true: more changes are ready, ask again at once")


def change_items(events, *, user, client, now) -> list[dict]:
    """Events (with EVENT_RELATED loaded) as the caller may see them: the ticket masked as in
    the list, the actor named only to whoever sees the ticket's internal trajectory."""
    internal = internal_ticket_ids(user, client, {e.ticket_id for e in events})
    context = {"now": now, "client": client}
    return [
        {
            "cursor": str(Cursor(event.txid, event.pk)),
            "type": event_type(event.action),
            "ticket": TicketListOutputSerializer(event.ticket, context=context).data,
            "event": EventOutputSerializer(
                event, context={"internal": event.ticket_id in internal}
            ).data,
        }
        for event in events
    ]
