"""GET Service Request Updates: the extension FixMyStreet's Open311 integrations poll
(`servicerequestupdates.{xml,json}`; mySociety's "Open311 FMS - Proposed differences to
Open311", read by FixMyStreet's `Open311::GetServiceRequestUpdates`), so that another 311 system
can follow our tickets.

One update per public trajectory event, oldest first:
- `update_id`: the event's id (stable: the trajectory is append-only);
- `service_request_id`: the ticket's number; `status`: `open` or `closed` after the event;
- `updated_datetime`: when it happened (W3C, Beijing time);
- `description`: what happened, in words, from the event's type (`publication.event_note`),
  never its note (staff free text: instructions, reasons, replies stay private);
- `media_url`: for the submission, the first photo the hotline published (a signed link);
- `external_status_code`: our finer status after the event (FixMyStreet keeps it for its
  response templates).

`start_date`/`end_date` (W3C with time zone, at most 90 days apart) bound `updated_datetime`;
without them, the last 24 hours. At most 1000 updates a page (`page`, `page_size`).
"""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import files, publication
from tickets.models import Attachment, Ticket, TicketEvent
from tickets.workflow import Action, Status

from . import params
from .errors import Open311Error
from .serializers import w3c

DEFAULT_WINDOW = timedelta(hours=24)
WITH_PHOTOS = (Action.SUBMIT, Action.PHONE_INTAKE)


def window(query, *, now=None) -> tuple:
    """(start, end) of the updates asked for."""
    now = now or timezone.now()
    start = params.parse_datetime(query, "start_date")
    end = params.parse_datetime(query, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date must not be after end_date."))
    if start and end and end - start > params.WINDOW:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    if start and not end:
        end = min(start + params.WINDOW, now)
    elif end and not start:
        start = end - DEFAULT_WINDOW
    elif not start and not end:
        start, end = now - DEFAULT_WINDOW, now
    return start, end


def updates(query) -> list[TicketEvent]:
    start, end = window(query)
    page = params.positive_int(query, "page", 1)
    size = params.positive_int(query, "page_size", params.MAX_RESULTS, params.MAX_RESULTS)
    photos = Prefetch(
        "ticket__attachments",
        queryset=Attachment.objects.filter(published=True)
        .only("pk", "ticket_id", "created_at")
        .order_by("created_at", "pk"),
        to_attr="published_attachments",
    )
    events = (
        TicketEvent.objects.filter(public=True, created_at__gte=start, created_at__lte=end)
        .select_related("ticket")
        .only("pk", "created_at", "action", "to_status", "ticket__number")
        .prefetch_related(photos)
        .order_by("created_at", "pk")
    )
    return list(events[(page - 1) * size : page * size])


def update_item(event: TicketEvent, *, request) -> dict:
    ticket: Ticket = event.ticket
    media = None
    if event.action in WITH_PHOTOS and ticket.published_attachments:
        media = request.build_absolute_uri(
            files.signed_path(ticket.published_attachments[0], files.PUBLIC_LINK)
        )
    return {
        "update_id": str(event.pk),
        "service_request_id": ticket.number,
        "status": "closed" if event.to_status == Status.CLOSED else "open",
        "updated_datetime": w3c(event.created_at),
        "description": publication.event_note(event.action),
        "media_url": media,
        "external_status_code": event.to_status,
    }
