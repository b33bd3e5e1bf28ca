"""The trajectory is append-only."""

import pytest

from tickets.models import TicketEvent
from tickets.models.event import AppendOnlyError

pytestmark = pytest.mark.django_db


def test_events_cannot_be_changed_or_deleted(submit):
    ticket = submit()
    event = TicketEvent.objects.get(ticket=ticket)
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=ticket).update(note="x")
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=ticket).delete()
    assert TicketEvent.objects.get(ticket=ticket).note == ""
