"""The change feed: every committed trajectory event, in an order that no late commit can break.

Why not `updated_at`: a ticket's time is stamped inside its transaction, before the commit. A
poller that keeps the highest time it has seen misses a ticket whose transaction began earlier
but committed after the poll: its time is below the mark when it becomes visible.

How: each `TicketEvent` keeps the id of the top-level transaction that wrote it (`txid`, filled
by PostgreSQL's `pg_current_xact_id()`). Changes are read in (txid, id) order and only below the
*horizon*: the oldest transaction id still running (`pg_snapshot_xmin` of a fresh snapshot).
Every transaction below the horizon has ended, so nothing can appear there later; a transaction
that is still running, or has not begun, has an id at or above the horizon, so whatever it
writes sorts after every cursor handed out so far. Hence a reader that resumes from its cursor
sees every committed change exactly once, whatever order writers commit in.

Invariants:
- `read` takes the horizon in one statement, then the events strictly below it in another (all
  of those have ended, so the second statement sees every committed one);
- a page that is not full has seen everything below the horizon: its cursor moves up to the
  horizon, so a reader with a narrow scope does not scan the same rows again;
- a cursor is opaque to clients: `<txid>-<event id>`.

The price: a change becomes visible only when every transaction older than it has ended, so one
long write transaction anywhere on the server delays the feed (and the webhooks that follow it)
until it ends; nothing is lost. Transactions that only read do not count.

SQLite (`make run`) has one writer at a time, so event ids are given in commit order: `txid` is
0 there and there is no horizon.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from .models import TicketEvent
from .workflow import Action

CURSOR_PATTERN = re.compile(r"^(\d{1,19})-(\d{1,19})$")
MAX_PAGE = 500

# What a change is called in the feed and in webhooks: the action, except that both ways of
# creating a ticket are `ticket.created`.
CREATED = "ticket.created"
EVENT_TYPES = [CREATED] + [
    f"ticket.{action.value}"
    for action in Action
    if action not in (Action.SUBMIT, Action.PHONE_INTAKE)
]


def event_type(action: str) -> str:
    return CREATED if action in (Action.SUBMIT, Action.PHONE_INTAKE) else f"ticket.{action}"


def actions_of(types) -> list[str]:
    """The actions behind a list of event types (for filtering events)."""
    actions = []
    for name in types:
        if name == CREATED:
            actions += [Action.SUBMIT.value, Action.PHONE_INTAKE.value]
        elif name.startswith("ticket.") and name in EVENT_TYPES:
            actions.append(name.removeprefix("ticket."))
    return actions


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the feed: after the event (txid, event)."""

    txid: int = 0
    event: int = 0

    def __str__(self) -> str:
        return f"{self.txid}-{self.event}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """Raises ValueError for anything `str(cursor)` cannot have produced."""
        match = CURSOR_PATTERN.match(text or "")
        if match is None:
            raise ValueError(text)
        txid, event = int(match.group(1)), int(match.group(2))
        if max(txid, event) >= 2**63:
            raise ValueError(text)
        return cls(txid, event)


START = Cursor()


@dataclass(frozen=True)
class Page:
    events: list[TicketEvent]
    next: Cursor
    more: bool


def horizon() -> int | None:
    """The oldest transaction id still running (None on SQLite): every change below it is
    final."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


def visible(event_id: int) -> bool:
    """Whether a committed event is below the horizon yet (always, without a horizon)."""
    limit = horizon()
    if limit is None:
        return True
    txid = TicketEvent.objects.filter(pk=event_id).values_list("txid", flat=True).first()
    return txid is not None and txid < limit


def head() -> Cursor:
    """A cursor after every change committed so far ("from now on")."""
    limit = horizon()
    if limit is not None:
        return Cursor(limit, 0)
    last = TicketEvent.objects.order_by("-txid", "-id").values_list("txid", "id").first()
    return Cursor(*last) if last else START


def read(events: QuerySet[TicketEvent], after: Cursor, limit: int = 100) -> Page:
    """The next `limit` events of `events` (a scope) after the cursor, in feed order."""
    limit = max(1, min(limit, MAX_PAGE))
    below = horizon()
    table = TicketEvent._meta.db_table
    after_cursor = RawSQL(
        f'("{table}"."txid", "{table}"."id") > (%s, %s)',
        (after.txid, after.event),
        output_field=BooleanField(),
    )
    queryset = events.filter(after_cursor)
    if below is not None:
        queryset = queryset.filter(txid__lt=below)
    rows = list(queryset.order_by("txid", "id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if more:
        following = Cursor(rows[-1].txid, rows[-1].pk)
    elif below is not None:
        following = max(after, Cursor(below, 0))  # everything below the horizon has been seen
    elif rows:
        following = Cursor(rows[-1].txid, rows[-1].pk)
    else:
        following = after
    return Page(rows, following, more)
