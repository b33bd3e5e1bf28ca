"""Open work for every demo login: the few demo tickets that fill each login's work queues.

README suggests trying the demo as `hpj-handler`, `water-handler` and the others; with tickets
drawn at random, a small unit's queues are often empty (issue 15). `plan` simulates candidate
tickets — for a demo unit, of categories and places the catalogue sends to that unit — at ages
spread from minutes to weeks, and keeps the first that lands in each queue still empty: to
sign, in progress, due within 24 h, overdue, supervised for each demo unit; to accept, to
dispatch, returned, extension requests, reopen requests and callbacks for the hotline. Each kept
ticket is an ordinary simulated life (`generator.Life`), so it obeys the same invariants. The
queues themselves are `tickets.queues`; `tests/portal/test_demo.py` checks every login's against
them.
"""

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from tickets import permissions, queues, sla
from tickets.models import Ticket
from tickets.workflow import Status

from .city import STAFF
from .generator import (
    Chunk,
    Context,
    Draws,
    LeafPlan,
    Life,
    Place,
    _access_codes,
    flush,
    lead_for,
)

ATTEMPTS = 30_000  # candidate lives at most (each is a few dozen microseconds)
YOUNGEST, OLDEST = timedelta(minutes=5), timedelta(days=30)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Planned:
    submitted: datetime
    leaf: LeafPlan
    place: Place
    seed: int
    supervise: bool = False  # the supervisor marks it once it is overdue


def wanted_slots() -> set[tuple[int | None, str]]:
    """(unit id, queue key) for each queue of each demo login: the unit for a unit's staff
    (its own tickets), None for the hotline centre (any ticket)."""
    users = get_user_model().objects.filter(username__in=[name for name, *_rest in STAFF])
    slots = set()
    for user in users:
        units = permissions.unit_ids(user)
        for queue in queues.queues_for(user):
            slots |= {(unit, queue.key) for unit in units} if units else {(None, queue.key)}
    return slots


def queue_keys(life: Life, now: datetime) -> set[str]:
    """The queues a simulated ticket would appear in (what `tickets.queues.apply` selects)."""
    status = life.status
    keys = set()
    if status == Status.SUBMITTED:
        keys.add("to_accept")
    elif status == Status.ACCEPTED:
        keys |= {"to_dispatch", "returned"} if life.returned else {"to_dispatch"}
    elif status == Status.DISPATCHED:
        keys.add("to_sign")
    elif status == Status.IN_PROGRESS:
        keys |= {"my_open", "extensions"} if life.extension_pending else {"my_open"}
    elif status == Status.REPLIED:
        keys.add("callbacks_due")
    elif life.reopen_requested is not None:
        keys.add("reopen_requested")
    if status != Status.CLOSED:
        due = sla.running_deadline(
            status,
            accept=life.accept_due,
            dispatch=life.dispatch_due,
            response=life.response_due,
            reply=life.reply_due,
            callback=life.callback_due,
        )
        if due is not None and due < now:
            keys.add("overdue")
        elif due is not None and due < now + DAY:
            keys.add("due_24h")
        if life.supervised:
            keys.add("supervised")
    return keys


def plan(ctx: Context, rng: random.Random) -> list[Planned]:
    """The tickets to add so that each demo login's queues hold open work."""
    wanted = wanted_slots()
    pairs: dict[int, list[tuple[LeafPlan, Place]]] = {}
    for unit in {unit for unit, _key in wanted if unit is not None}:
        pairs[unit] = [
            (leaf, place)
            for leaf in ctx.leaves
            for place in ctx.places
            if lead_for(leaf, place) == unit
        ]
    wanted = {(unit, key) for unit, key in wanted if unit is None or pairs[unit]}
    planned = []
    ratio = OLDEST / YOUNGEST
    for _ in range(ATTEMPTS):
        if not wanted:
            break
        unit = rng.choice(sorted({u for u, _k in wanted}, key=lambda u: (u is None, u or 0)))
        if unit is None:
            leaf = rng.choices(ctx.leaves, cum_weights=ctx.leaf_weights)[0]
            place = rng.choice(ctx.places)
        else:
            leaf, place = rng.choice(pairs[unit])
        # Ages spread evenly over scales (log-uniform): minutes, hours, days and weeks alike.
        age = YOUNGEST * ratio ** rng.random()
        candidate = Planned(ctx.now - age, leaf, place, rng.getrandbits(32))
        life = _simulate(ctx, candidate, Chunk(), 0, "")
        lead = life.lead
        if (
            "overdue" in queue_keys(life, ctx.now)
            and not life.supervised
            and ({(None, "supervised"), (lead, "supervised")} & wanted)
        ):
            # Supervision follows an overdue ticket (the bulk only supervises late replies).
            candidate = replace(candidate, supervise=True)
            life = _simulate(ctx, candidate, Chunk(), 0, "")
        filled = {
            (slot_unit, key)
            for key in queue_keys(life, ctx.now)
            for slot_unit in (None, lead)
            if (slot_unit, key) in wanted
        }
        if filled:
            planned.append(candidate)
            wanted -= filled
    return planned


def _simulate(ctx, planned: Planned, chunk, ticket_id, code) -> Life:
    life = Life(
        ctx, chunk, Draws(planned.seed), ticket_id, code, planned.submitted,
        leaf=planned.leaf, place=planned.place,
    )  # fmt: skip
    life.run()
    if planned.supervise:
        life.supervise(max(life.updated, ctx.now - timedelta(minutes=30)))
    return life


def write(ctx: Context, writer, planned: list[Planned]) -> tuple[dict, int]:
    """Write the planned tickets (each simulated again from its seed, so exactly as planned)."""
    ids = writer.reserve_ids(Ticket, len(planned))
    chunk = Chunk()
    for ticket_id, code, candidate in zip(ids, _access_codes(len(planned)), planned, strict=True):
        life = _simulate(ctx, candidate, chunk, ticket_id, code)
        chunk.tickets.append(life.row())
    return flush(writer, chunk), ids[0]
