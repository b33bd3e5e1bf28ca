"""Generating realistic demo tickets in bulk, with full trajectories, assignments and callbacks.

Each ticket's life is simulated step by step (intake, acceptance, dispatch, perhaps a return and a
re-dispatch, first contact, perhaps an extension, reply, callback) with deadlines from its urgency
class, exactly as the services would set them. Steps later than "now" have not happened yet, so
recent tickets are still open in every status. Rows go to the database in chunks through
`writer` (COPY on PostgreSQL), bypassing the services for speed; `tests/portal/test_demo.py`
checks that what it writes obeys the same invariants the services keep.
"""

import bisect
import functools
import itertools
import os
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from departments.calendar import work_calendar
from departments.models import Department, Membership, Region
from portal.models import Citizen
from tickets import numbering, sla
from tickets.events import PUBLIC_ACTIONS
from tickets.models import (
    Assignment,
    Callback,
    Category,
    Channel,
    Extension,
    Kind,
    Outcome,
    Ticket,
    TicketEvent,
)
from tickets.workflow import Action, Status

from . import city_data as data
from . import descriptions, parallel
from .writer import Writer, writer_for_connection

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
EIGHT_HOURS = timedelta(hours=8)

CHANNELS = [
    (Channel.PHONE, 70),
    (Channel.WEB, 12),
    (Channel.APP, 10),
    (Channel.API, 5),
    (Channel.OPEN311, 3),
]
SATISFACTION_IF_SOLVED = [("satisfied", 86), ("basically", 12), ("unsatisfied", 2)]
SATISFACTION_IF_NOT = [("satisfied", 10), ("basically", 25), ("unsatisfied", 65)]
CONTACT_METHODS = [("phone", 80), ("visit", 15), ("sms", 5)]
GENERIC_COMPOUNDS = ("幸福家园", "阳光小区", "丽景园", "和谐家园", "富力城", "中心街", "新村")
TICKET_COLUMNS = [
    "id",
    "number",
    "access_code",
    "channel",
    "kind",
    "category_id",
    "urgency_id",
    "description",
    "region_id",
    "district_id",
    "street_id",
    "community_id",
    "address",
    "latitude",
    "longitude",
    "citizen_id",
    "contact_name",
    "contact_phone",
    "contact_email",
    "anonymous",
    "confidential",
    "submitted_by_id",
    "status",
    "outcome",
    "round",
    "lead_unit_id",
    "suggested_unit_id",
    "duplicate_of_id",
    "referred_to",
    "reply_text",
    "supervised",
    "reopen_requested_at",
    "attributes",
    "due_at",
    "accept_due_at",
    "dispatch_due_at",
    "response_due_at",
    "reply_due_at",
    "callback_due_at",
    "submitted_at",
    "accepted_at",
    "dispatched_at",
    "contacted_at",
    "replied_at",
    "closed_at",
    "updated_at",
]
EVENT_COLUMNS = [
    "ticket_id",
    "created_at",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_name",
    "unit_id",
    "note",
    "public",
    "data",
]
ASSIGNMENT_COLUMNS = [
    "id",
    "ticket_id",
    "unit_id",
    "role",
    "round",
    "active",
    "dispatched_at",
    "dispatched_by_id",
    "response_due_at",
    "reply_due_at",
    "return_due_at",
    "signed_at",
    "contacted_at",
    "contact_method",
    "returned_at",
    "return_reason",
    "replied_at",
    "dispatch_due_at",
]
EXTENSION_COLUMNS = [
    "ticket_id",
    "assignment_id",
    "reason",
    "requested_reply_due_at",
    "previous_reply_due_at",
    "requested_by_id",
    "requested_at",
    "decision",
    "decided_by_id",
    "decided_at",
    "decision_note",
]
CALLBACK_COLUMNS = [
    "ticket_id",
    "unit_id",
    "round",
    "source",
    "recorded_by_id",
    "recorded_at",
    "valid",
    "contacted",
    "solved",
    "satisfaction",
    "comment",
]
SUBMITTED_AT = TICKET_COLUMNS.index("submitted_at")
# From this many tickets on, secondary indexes are built after the load and workers run at once.
BIG_LOAD = 100_000
CITIZEN_COLUMNS = ["id", "phone", "name", "email", "created_at"]
LANDLINE_EVERY = 8  # one demo caller in eight calls from a landline


CREATION = {Action.SUBMIT, Action.PHONE_INTAKE}


def _weighted(pairs):
    """(values, cumulative weights) for `Draws.weighted`: summing the
    weights once, not at every one of the millions of draws."""
    values, weights = zip(*pairs, strict=True)
    return list(values), list(itertools.accumulate(weights))


class Draws(random.Random):
    """`random.Random` with cheaper draws for the generator's millions of picks: one float per
    draw instead of the exact integer arithmetic of the standard methods (a bias below 2⁻⁵⁰,
    irrelevant for demo data). Under the profiler a third of the simulation went into `choice`."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def weighted(self, values_and_cumulative):
        """One of `_weighted`'s values, drawn by weight."""
        values, cumulative = values_and_cumulative
        return values[bisect.bisect(cumulative, self.random() * cumulative[-1])]


CHANNEL_CHOICES = _weighted(CHANNELS)
CONTACT_CHOICES = _weighted(CONTACT_METHODS)
SOLVED_CHOICES = _weighted(SATISFACTION_IF_SOLVED)
UNSOLVED_CHOICES = _weighted(SATISFACTION_IF_NOT)


@dataclass
class Place:
    region_id: int
    district_id: int
    street_id: int | None
    community_id: int | None
    street_office_id: int | None
    district_government_id: int
    roads: tuple[str, ...]
    district_name: str
    points: tuple[tuple[Decimal, Decimal], ...] = ()  # (lat, lon) inside the community's boundary


POINTS_PER_PLACE = 16


def _points_inside(region_id: int) -> tuple[tuple[Decimal, Decimal], ...]:
    """A few map points inside the region's boundary (none without one), the same every run."""
    from shapely import Point

    from geo.index import outline

    shape = outline(region_id)
    if shape is None:
        return ()
    rng = random.Random(region_id)
    west, south, east, north = shape.bounds
    points = []
    for _attempt in range(POINTS_PER_PLACE * 20):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if shape.contains(Point(lon, lat)):
            points.append((Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")))
            if len(points) == POINTS_PER_PLACE:
                break
    return tuple(points)


@dataclass
class LeafPlan:
    category_id: int
    urgency: object
    kinds: tuple[str, ...]
    samples: tuple[str, ...]
    replies: tuple[str, ...]
    target: str  # "street", "district" or a unit id as str
    weight: float
    code: str = ""
    questions: tuple = ()  # city_data.Question: the answers demo tickets give


@dataclass
class Context:
    now: datetime
    start: datetime
    places: list[Place]
    leaves: list[LeafPlan]
    leaf_weights: list[float]  # cumulative
    calendar: sla.WorkCalendar
    staff: dict[str, int | None]
    unit_names: dict[int, str]
    handlers: dict[int, int]
    co_unit_ids: list[int]
    citizens: list[tuple[int, str, str]]
    hotline_id: int | None = None
    hotline_staff: dict[int, str] = field(default_factory=dict)  # user id → display name
    user_names: dict[int, str] = field(default_factory=dict)


@dataclass
class Chunk:
    tickets: list = field(default_factory=list)
    events: list = field(default_factory=list)
    assignments: list = field(default_factory=list)  # rows with a placeholder id at [0]
    extensions: list = field(default_factory=list)  # rows with the assignment index at [1]
    callbacks: list = field(default_factory=list)


def build_context(*, days: int, seed: int | None) -> Context:
    rng = random.Random(seed)
    now = timezone.now()
    start = now - timedelta(days=days)
    calendar = work_calendar((start - DAY).date(), (now + 60 * DAY).date())
    units = {u.code: u for u in Department.objects.all()}
    unit_by_id = {u.pk: u for u in units.values()}
    district_govs = {
        u.region_id: u.pk for u in units.values() if u.kind == Department.Kind.DISTRICT_GOVERNMENT
    }
    street_offices = {
        u.region_id: u.pk for u in units.values() if u.kind == Department.Kind.STREET_OFFICE
    }
    regions = {r.pk: r for r in Region.objects.all()}
    places = []
    for region in regions.values():
        if region.level == Region.Level.COMMUNITY:
            street = regions[region.parent_id]
            district = regions[street.parent_id]
            places.append(
                Place(
                    region.pk,
                    district.pk,
                    street.pk,
                    region.pk,
                    street_offices.get(street.pk),
                    district_govs[district.pk],
                    data.ROAD_NAMES.get(street.code, GENERIC_COMPOUNDS),
                    district.name,
                    _points_inside(region.pk),
                )
            )
    detailed = len(places)
    for region in regions.values():
        if region.level == Region.Level.DISTRICT and region.pk in district_govs:
            has_streets = any(p.district_id == region.pk for p in places[:detailed])
            if not has_streets:
                # Districts without street data: tickets located at the district only.
                for _ in range(max(1, detailed // 40)):
                    places.append(
                        Place(
                            region.pk,
                            region.pk,
                            None,
                            None,
                            None,
                            district_govs[region.pk],
                            GENERIC_COMPOUNDS,
                            region.name,
                        )
                    )
    if not places:
        raise RuntimeError("no regions: load the demo city first")
    leaf_specs = {leaf.code: leaf for leaf in data.all_leaves()}
    leaves = []
    for category in Category.objects.filter(level=3, is_active=True).select_related("urgency"):
        spec = leaf_specs.get(category.code)
        if spec is None:
            continue
        if spec.target in (data.TARGET_STREET, data.TARGET_DISTRICT):
            target = spec.target
        else:
            target = str(units[spec.target].pk)
        # Everyday topics (property, noise, heating) come in far more often than others.
        weight = rng.choice((1, 1, 2, 3, 5, 8))
        leaves.append(
            LeafPlan(
                category.pk,
                category.urgency,
                spec.kinds,
                spec.samples,
                spec.reply_samples or ("已处理完毕。",),
                target,
                weight,
                category.code,
                data.QUESTIONS.get(category.code, ()),
            )
        )
    if not leaves:
        raise RuntimeError("no categories: load the demo city first")
    memberships = Membership.objects.values_list("user_id", "department_id", "role")
    staff = {"operator": None, "dispatcher": None, "callback": None, "supervisor": None}
    roles = {
        Membership.Role.OPERATOR: "operator",
        Membership.Role.DISPATCHER: "dispatcher",
        Membership.Role.CALLBACK_OPERATOR: "callback",
        Membership.Role.SUPERVISOR: "supervisor",
    }
    handlers, hotline_staff = {}, {}
    names = {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.all()}
    for user_id, unit_id, role in memberships:
        if role in roles:
            staff[roles[role]] = staff[roles[role]] or user_id
            hotline_staff[user_id] = names[user_id]
        elif role == Membership.Role.HANDLER:
            handlers.setdefault(unit_id, user_id)
    co_units = [
        u.pk for u in units.values() if u.kind == Department.Kind.MUNICIPAL_DEPARTMENT
    ] or list(district_govs.values())
    return Context(
        now=now,
        start=start,
        places=places,
        leaves=leaves,
        leaf_weights=list(itertools.accumulate(leaf.weight for leaf in leaves)),
        calendar=calendar,
        staff=staff,
        unit_names={pk: u.name for pk, u in unit_by_id.items()},
        handlers=handlers,
        co_unit_ids=co_units,
        citizens=[],
        hotline_id=next(
            (u.pk for u in units.values() if u.kind == Department.Kind.HOTLINE_CENTRE), None
        ),
        hotline_staff=hotline_staff,
        user_names=names,
    )


def _citizens(ctx: Context, writer: Writer, count: int, rng: random.Random) -> None:
    """A pool of residents; many call more than once, as real callers do. About one in eight
    calls from a Beijing landline (stored as 010-65123456, tickets.phones), which gets no SMS."""
    existing = set(Citizen.objects.values_list("phone", flat=True))
    rows, pool = [], []
    prefixes = ("138", "139", "135", "136", "150", "151", "158", "186", "187", "188", "199")
    ids = writer.reserve_ids(Citizen, count)
    for pk in ids:
        while True:
            prefix, digits = rng.choice(prefixes), rng.randrange(10**8)
            if pk % LANDLINE_EVERY == 0:  # chosen without a draw: the random stream stays put
                phone = f"010-{5 + digits % 2}{digits % 10**7:07d}"
            else:
                phone = f"{prefix}{digits:08d}"
            if phone not in existing:
                existing.add(phone)
                break
        name = rng.choice(data.SURNAMES) + "".join(
            rng.choice(data.GIVEN_NAME_CHARS) for _ in range(rng.choice((1, 2, 2)))
        )
        rows.append((pk, phone, name, "", ctx.start))
        pool.append((pk, phone, name))
    writer.write(Citizen, CITIZEN_COLUMNS, rows)
    ctx.citizens = pool


def _access_codes(count: int) -> list[str]:
    alphabet = numbering.ACCESS_CODE_ALPHABET
    table = bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))
    raw = os.urandom(count * numbering.ACCESS_CODE_LENGTH).translate(table).decode()
    size = numbering.ACCESS_CODE_LENGTH
    return [raw[i * size : (i + 1) * size] for i in range(count)]


def generate(
    count: int,
    *,
    days: int = 365,
    seed: int | None = None,
    progress=None,
    chunk=10_000,
    workers: int = 1,
    phases: dict | None = None,
    bulk: bool | None = None,
):
    """Create `count` tickets spread over the last `days` days. Returns counts of rows written.

    With `workers` > 1 on PostgreSQL, chunks are simulated and copied by that many processes at
    once (`portal.demo.parallel`); each chunk draws from its own random stream, seeded from
    `seed` and its position, so a seeded load writes the same tickets whatever the workers.
    `phases`, when given, receives the seconds spent writing rows, building the indexes and
    verifying the foreign keys. `bulk` (default: from BIG_LOAD tickets on) drops the secondary
    indexes for the load and lets the workers run."""
    rng = Draws(seed)
    writer = writer_for_connection()
    with transaction.atomic():
        ctx = build_context(days=days, seed=seed)
        _citizens(ctx, writer, max(50, min(count // 3, 300_000)), rng)
    # A few tickets planned so that every demo login has open work in each of its queues
    # (portal/demo/work.py); they count towards `count` when it is large enough.
    from . import work  # it builds on Life and flush below

    # Seeded on its own, like each chunk: what came before (e.g. citizens already there) does
    # not change the plan.
    plan_rng = random.Random(f"{seed}:work") if seed is not None else random.Random()
    planned = work.plan(ctx, plan_rng) if count else []
    bulk_count = max(0, count - len(planned))
    parts = [
        # Chunks follow the calendar, so the date-ordered indexes grow at their ends.
        Part(
            index,
            min(chunk, bulk_count - done),
            done / bulk_count,
            min(done + chunk, bulk_count) / bulk_count,
        )
        for index, done in enumerate(range(0, bulk_count, chunk))
    ]
    totals = defaultdict(int)
    first_ids = []
    big = count >= BIG_LOAD if bulk is None else bulk
    phases = {} if phases is None else phases
    clock = time.monotonic()
    if big:
        writer.suspend_slow_indexes()
    try:
        job = functools.partial(load_chunk, ctx, writer, seed)
        for written, first_id in parallel.run(job, parts, workers=workers if big else 1):
            first_ids.append(first_id)
            for key, value in written.items():
                totals[key] += value
            if progress:
                progress(written["tickets"])
        if planned:
            written, first_id = work.write(ctx, writer, planned)
            first_ids.append(first_id)
            for key, value in written.items():
                totals[key] += value
            if progress:
                progress(min(len(planned), count))
    finally:
        phases["rows"], clock = time.monotonic() - clock, time.monotonic()
        if big:
            writer.restore_slow_indexes(workers=workers)
        phases["indexes"], clock = time.monotonic() - clock, time.monotonic()
    if first_ids:
        writer.verify([Ticket, TicketEvent, Assignment, Extension, Callback], min(first_ids))
    phases["verify"] = time.monotonic() - clock
    return dict(totals)


@dataclass(frozen=True)
class Part:
    """One chunk of a load: its position and the share of the time span it covers."""

    index: int
    size: int
    low: float
    high: float


def _assign_numbers(rows: list[list]) -> None:
    """Number the chunk's tickets in submission order, taking each day's range from the shared
    counter (`numbering.allocate`), so portal submissions made meanwhile never collide.

    Called outside the chunk's transaction: the counter row of a day stays locked only for its
    own short transaction, so parallel chunks of the same day do not wait for each other's
    COPY. A failed chunk leaves a gap in that day's numbers, as a failed submission does."""
    by_day = defaultdict(list)
    for row in sorted(rows, key=lambda r: r[SUBMITTED_AT]):
        by_day[(row[SUBMITTED_AT] + EIGHT_HOURS).date()].append(row)
    for day in sorted(by_day):
        day_rows = by_day[day]
        for row, sequence in zip(day_rows, numbering.allocate(day, len(day_rows)), strict=True):
            row[1] = numbering.format_number(day, sequence)


def load_chunk(ctx: Context, writer: Writer, seed: int | None, part: Part) -> tuple[dict, int]:
    """Simulate one chunk's tickets and write them in one transaction. Returns the counts of
    rows written and the chunk's first ticket id."""
    rng = Draws(f"{seed}:{part.index}") if seed is not None else Draws()
    ids = writer.reserve_ids(Ticket, part.size)
    codes = _access_codes(part.size)
    span = (ctx.now - ctx.start).total_seconds()
    offsets = sorted(rng.uniform(part.low, part.high) for _ in range(part.size))
    chunk = Chunk()
    start_ts = ctx.start
    for ticket_id, code, offset in zip(ids, codes, offsets, strict=True):
        # Fewer calls at night: most night-time submissions move into the day.
        submitted = start_ts + timedelta(seconds=offset * span)
        if (submitted + EIGHT_HOURS).hour < 7 and rng.random() < 0.8:
            submitted += timedelta(hours=rng.uniform(8, 12))
            if submitted > ctx.now:
                submitted = ctx.now - MINUTE * rng.uniform(1, 30)
        life = Life(ctx, chunk, rng, ticket_id, code, submitted)
        life.run()
        chunk.tickets.append(life.row())
    return flush(writer, chunk), ids[0]


def flush(writer: Writer, chunk: Chunk) -> dict:
    """Write a chunk's tickets with their assignments, events, extensions and callbacks, in one
    transaction (their numbers are allocated before it: see `_assign_numbers`)."""
    assignment_ids = writer.reserve_ids(Assignment, len(chunk.assignments))
    for row, pk in zip(chunk.assignments, assignment_ids, strict=True):
        row[0] = pk
    extensions = [(row[0], assignment_ids[row[1]], *row[2:]) for row in chunk.extensions]
    _assign_numbers(chunk.tickets)
    with transaction.atomic():
        writer.begin_chunk()
        writer.write(Ticket, TICKET_COLUMNS, chunk.tickets)
        writer.write(Assignment, ASSIGNMENT_COLUMNS, chunk.assignments)
        writer.write(TicketEvent, EVENT_COLUMNS, chunk.events)
        writer.write(Extension, EXTENSION_COLUMNS, extensions)
        writer.write(Callback, CALLBACK_COLUMNS, chunk.callbacks)
    return {
        "tickets": len(chunk.tickets),
        "events": len(chunk.events),
        "assignments": len(chunk.assignments),
        "extensions": len(extensions),
        "callbacks": len(chunk.callbacks),
    }


def answers_for(questions, ticket_id) -> dict:
    """Answers to the category's questions: every required one, about half of the others. From
    a generator of the ticket's own, so the rest of the demo is what it was without them."""
    if not questions:
        return {}
    rng = random.Random(ticket_id)
    answers = {}
    for question in questions:
        if not question.samples or not (question.required or rng.random() < 0.5):
            continue
        if question.datatype == "multivaluelist":
            answers[question.code] = rng.sample(
                question.samples, rng.randint(1, min(2, len(question.samples)))
            )
        else:
            answers[question.code] = rng.choice(question.samples)
    return answers


def lead_for(leaf: LeafPlan, place: Place) -> int:
    """The unit the dispatch catalogue sends `leaf` at `place` to (the same rules as city_data)."""
    if leaf.target == data.TARGET_STREET:
        return place.street_office_id or place.district_government_id
    if leaf.target == data.TARGET_DISTRICT:
        return place.district_government_id
    return int(leaf.target)


class Life:
    """One ticket's simulated life up to now: appends events, assignments, extensions and
    callbacks to the chunk, and keeps the ticket's own fields for `row()`."""

    def __init__(
        self, ctx: Context, chunk: Chunk, rng: Draws, ticket_id, code, submitted,
        *, leaf: LeafPlan | None = None, place: Place | None = None,
    ):  # fmt: skip
        self.ctx, self.chunk, self.rng = ctx, chunk, rng
        self.id, self.code, self.submitted = ticket_id, code, submitted
        self.leaf = leaf or rng.weighted((ctx.leaves, ctx.leaf_weights))
        self.place = place or rng.choice(ctx.places)
        self.urgency = self.leaf.urgency
        self.channel = rng.weighted(CHANNEL_CHOICES)
        self.kind = rng.choice(self.leaf.kinds)
        self.anonymous = rng.random() < 0.03
        if self.anonymous:
            self.citizen_id, self.phone, self.name = None, "", ""
        else:
            self.citizen_id, self.phone, self.name = rng.choice(ctx.citizens)
        self.confidential = not self.anonymous and rng.random() < 0.05
        self.answers = answers_for(self.leaf.questions, ticket_id)
        self.address = rng.choice(self.place.roads) + rng.choice(data.ADDRESS_SUFFIXES).format(
            n=rng.randint(1, 40), u=rng.randint(1, 6)
        )
        self.description = descriptions.describe(
            self.leaf.code, rng, address=self.address, roads=self.place.roads
        ) or rng.choice(self.leaf.samples)
        self.status = Status.SUBMITTED
        self.outcome = self.referred_to = self.reply_text = ""
        self.lead = None
        self.suggested = self._lead_unit()  # the catalogue's choice (the same rules as city_data)
        self.supervised = False
        self.returned = self.extension_pending = False
        self.reopen_requested = None
        self.accept_due = self.dispatch_due = self.response_due = None
        self.reply_due = self.callback_due = None
        self.accepted = self.dispatched = self.contacted = self.replied = self.closed = None
        self.updated = submitted

    # -- recording ---------------------------------------------------------------------------

    def event(
        self, at, action, to_status, actor=None, actor_name="", unit=None, note="", data=None
    ):
        if actor in self.ctx.hotline_staff:
            actor_name, unit = self.ctx.hotline_staff[actor], unit or self.ctx.hotline_id
        self.chunk.events.append(
            (
                self.id,
                at,
                action,
                self.status if action not in CREATION else "",
                to_status,
                actor,
                actor_name,
                unit,
                note,
                action in PUBLIC_ACTIONS,
                data or {},
            )
        )
        self.status, self.updated = to_status, at

    def unit_actor(self, unit_id) -> tuple[int | None, str]:
        user = self.ctx.handlers.get(unit_id)
        if user:
            return user, self.ctx.user_names[user]
        return None, f"{self.ctx.unit_names[unit_id]}承办人"

    def assign(self, unit, role, at, **deadlines) -> list:
        row = [
            None,
            self.id,
            unit,
            role,
            1,
            True,
            at,
            self.ctx.staff["dispatcher"],
            deadlines.get("response"),
            deadlines.get("reply"),
            deadlines.get("ret"),
            None,
            None,
            "",
            None,
            "",
            None,
            deadlines.get("dispatch"),
        ]
        self.chunk.assignments.append(row)
        return row

    def due(self, start, limit):
        if self.urgency.working_days:
            return sla.add(start, limit, working_days=True, calendar=self.ctx.calendar)
        return start + limit

    # -- the life ---------------------------------------------------------------------------

    def run(self) -> None:
        """Each step returns False when the next moment lies in the future."""
        for step in (
            self.intake,
            self.dispatch,
            self.contact,
            self.extension,
            self.reply,
            self.callback,
        ):
            if not step():
                return

    def intake(self) -> bool:
        rng, urgency, staff = self.rng, self.urgency, self.ctx.staff
        if self.channel == Channel.PHONE:
            accepted = self.submitted
            self.event(accepted, Action.PHONE_INTAKE, Status.ACCEPTED, staff["operator"])
        else:
            self.accept_due = self.due(self.submitted, urgency.accept_limit)
            self.event(self.submitted, Action.SUBMIT, Status.SUBMITTED)
            accepted = self.submitted + MINUTE * rng.uniform(3, 150)
            if accepted > self.ctx.now:
                return False
            self.event(accepted, Action.ACCEPT, Status.ACCEPTED, staff["operator"])
        self.accepted = accepted
        self.dispatch_due = self.due(accepted, urgency.dispatch_limit)
        # Some demands end at intake: consultations answered on the spot, invalid, referred.
        roll = rng.random()
        if not ((self.kind == Kind.CONSULTATION and roll < 0.5) or roll < 0.03):
            return True
        closed = accepted + MINUTE * rng.uniform(1, 20)
        if closed > self.ctx.now:
            return False
        if self.kind == Kind.CONSULTATION:
            answer = "已根据知识库向来电人解答相关政策和办理渠道。"
            self.event(
                closed, Action.ANSWER_DIRECTLY, Status.CLOSED, staff["operator"], note=answer
            )
            self.outcome, self.reply_text, self.replied = Outcome.ANSWERED, answer, closed
        else:
            self.outcome = rng.choice((Outcome.INVALID, Outcome.REFERRED))
            note = "来电内容不属于政务服务范围。"
            if self.outcome == Outcome.REFERRED:
                self.referred_to, note = "110", "涉及警情，已引导拨打110。"
            self.event(
                closed,
                Action.CLOSE_AT_INTAKE,
                Status.CLOSED,
                staff["operator"],
                note=note,
                data={"outcome": self.outcome, "referred_to": self.referred_to},
            )
        self.closed = closed
        return False

    def _lead_unit(self) -> int:
        return lead_for(self.leaf, self.place)

    def dispatch(self) -> bool:
        rng, urgency, place = self.rng, self.urgency, self.place
        lead = self._lead_unit()
        at = self.accepted + urgency.dispatch_limit * rng.uniform(0.05, 1.1)
        returns = rng.random() < 0.04 and lead != place.district_government_id
        while True:
            if at > self.ctx.now:
                return False
            self.response_due = self.due(at, urgency.response_limit)
            self.reply_due = self.due(at, urgency.reply_limit)
            first = self.lead_index = len(self.chunk.assignments)
            self.lead_row = self.assign(
                lead,
                "lead",
                at,
                response=self.response_due,
                reply=self.reply_due,
                ret=self.due(at, urgency.return_window),
                dispatch=self.dispatch_due,
            )
            self.co = rng.choice(self.ctx.co_unit_ids) if rng.random() < 0.1 else None
            if self.co == lead:
                self.co = None
            if self.co:
                self.assign(self.co, "co", at)
            if lead == place.street_office_id:
                self.assign(place.district_government_id, "informed", at)
            self.event(
                at, Action.DISPATCH, Status.DISPATCHED, self.ctx.staff["dispatcher"], unit=lead
            )
            self.lead, self.dispatched = lead, at
            if not returns:
                return True
            # The unit sends it back once; the dispatcher re-dispatches to the district.
            returned = at + HOUR * rng.uniform(1, 20)
            if returned > self.ctx.now:
                return False
            reason = "经核实，该问题不属于本单位职责范围，请重新派发。"
            for row in self.chunk.assignments[first:]:
                row[5] = False
            self.lead_row[14], self.lead_row[15] = returned, reason
            actor, name = self.unit_actor(lead)
            self.event(returned, Action.RETURN, Status.ACCEPTED, actor, name, lead, reason)
            self.returned = True
            self.lead = self.response_due = self.reply_due = None
            self.dispatch_due = self.due(returned, urgency.dispatch_limit)
            # As the return service does: the catalogue's next choice, here the backstop.
            lead, returns = place.district_government_id, False
            self.suggested = lead
            at = returned + HOUR * rng.uniform(0.2, 6)

    def contact(self) -> bool:
        rng, lead = self.rng, self.lead
        contacted = self.dispatched + self.urgency.response_limit * rng.uniform(0.05, 1.15)
        signed = contacted + MINUTE * rng.uniform(0, 30)
        if self.co and rng.random() < 0.5:
            # The co-unit reports its part before the lead unit signs.
            noted = self.dispatched + (signed - self.dispatched) * rng.uniform(0.2, 0.9)
            if noted <= self.ctx.now:
                actor, name = self.unit_actor(self.co)
                self.event(
                    noted,
                    Action.ADD_NOTE,
                    self.status,
                    actor,
                    name,
                    self.co,
                    "协办单位已完成现场核查，情况已反馈主办单位。",
                )
        if signed > self.ctx.now:
            return False
        method = rng.weighted(CONTACT_CHOICES)
        self.lead_row[11], self.lead_row[12], self.lead_row[13] = signed, contacted, method
        actor, name = self.unit_actor(lead)
        on_time = contacted <= self.response_due
        self.event(
            signed,
            Action.SIGN_AND_CONTACT,
            Status.IN_PROGRESS,
            actor,
            name,
            lead,
            data={"method": method, "on_time": on_time},
        )
        self.contacted = contacted
        return True

    def extension(self) -> bool:
        rng = self.rng
        if rng.random() >= 0.04:
            return True
        if self.reply_due <= self.updated:
            return True
        requested = self.updated + (self.reply_due - self.updated) * rng.uniform(0.3, 0.8)
        if requested > self.ctx.now:
            return True  # the reply step will see the future too
        previous, wanted = self.reply_due, self.reply_due + 7 * DAY
        reason = "涉及多个产权单位，需协调后处理，申请延期。"
        actor, name = self.unit_actor(self.lead)
        self.event(
            requested,
            Action.REQUEST_EXTENSION,
            Status.IN_PROGRESS,
            actor,
            name,
            self.lead,
            reason,
            data={"requested_reply_due_at": wanted.isoformat()},
        )
        decided = requested + HOUR * rng.uniform(1, 12)
        pending = decided > self.ctx.now
        dispatcher = self.ctx.staff["dispatcher"]
        self.chunk.extensions.append(
            (
                self.id,
                self.lead_index,
                reason,
                wanted,
                previous,
                actor,
                requested,
                "pending" if pending else "approved",
                None if pending else dispatcher,
                None if pending else decided,
                "",
            )
        )
        if pending:
            self.extension_pending = True
            return False
        self.event(
            decided,
            Action.DECIDE_EXTENSION,
            Status.IN_PROGRESS,
            dispatcher,
            note=reason,
            data={"approved": True, "reply_due_at": wanted.isoformat()},
        )
        self.reply_due = self.lead_row[9] = wanted
        return True

    def supervise(self, at) -> None:
        """督办 of an overdue ticket (the status is unchanged)."""
        self.event(
            at,
            Action.SUPERVISE,
            self.status,
            self.ctx.staff["supervisor"],
            note="已超期，请加快办理并于三日内答复。",
        )
        self.supervised = True

    def reply(self) -> bool:
        rng, now = self.rng, self.ctx.now
        replied = self.dispatched + (self.reply_due - self.dispatched) * rng.uniform(0.15, 1.08)
        # After every earlier step (an extension decision may come late).
        replied = max(replied, self.updated + HOUR * rng.uniform(1, 5))
        if replied > now:
            supervised_at = max(self.reply_due, self.updated) + 2 * HOUR
            if supervised_at <= now and rng.random() < 0.3:
                self.supervise(supervised_at)
            return False
        self.reply_text = rng.choice(self.leaf.replies)
        self.lead_row[16] = replied
        actor, name = self.unit_actor(self.lead)
        self.event(
            replied,
            Action.REPLY,
            Status.REPLIED,
            actor,
            name,
            self.lead,
            self.reply_text,
            data={"on_time": replied <= self.reply_due},
        )
        self.replied = replied
        start = min(replied, self.reply_due)
        self.callback_due = self.due(start, self.urgency.callback_limit)
        return True

    def callback(self) -> bool:
        rng = self.rng
        start = min(self.replied, self.reply_due)
        called = start + self.urgency.callback_limit * rng.uniform(0.05, 1.05)
        called = max(called, self.updated + HOUR * rng.uniform(1, 24))
        if called > self.ctx.now:
            return False
        valid = not self.anonymous and rng.random() < 0.93
        contacted = solved = None
        satisfaction = ""
        if valid:
            contacted = rng.random() < 0.95
            solved = rng.random() < (0.85 if contacted else 0.5)
            satisfaction = rng.weighted(SOLVED_CHOICES if solved else UNSOLVED_CHOICES)
        operator = self.ctx.staff["callback"]
        self.chunk.callbacks.append(
            (
                self.id,
                self.lead,
                1,
                "operator",
                operator,
                called,
                valid,
                contacted,
                solved,
                satisfaction,
                "",
            )
        )
        self.event(
            called,
            Action.RECORD_CALLBACK,
            Status.CLOSED,
            operator,
            data={
                "valid": valid,
                "contacted": contacted,
                "solved": solved,
                "satisfaction": satisfaction,
            },
        )
        self.outcome, self.closed = Outcome.HANDLED, called
        if valid and not solved and rng.random() < 0.3:
            # The resident calls again: not solved. The hotline records the request to reopen;
            # the dispatchers act on it within a couple of days (reopening is not simulated, so
            # only the requests of the last two days are still waiting).
            asked = called + HOUR * rng.uniform(2, 72)
            if self.ctx.now - 2 * DAY <= asked <= self.ctx.now:
                self.event(
                    asked,
                    Action.REQUEST_REOPEN,
                    Status.CLOSED,
                    operator,
                    note="市民来电反映问题仍未解决，要求重新办理。",
                )
                self.reopen_requested = asked
        return True

    # -- the ticket row --------------------------------------------------------------------

    def row(self) -> list:
        status = self.status
        place = self.place
        entered_by = self.ctx.staff["operator"] if self.channel == Channel.PHONE else None
        # Residents on the web and in apps drop a pin about two times in three; callers do not.
        # Chosen by the ticket's id, not the random stream, so the rest of the data stays put.
        lat = lon = None
        if place.points and self.channel != Channel.PHONE and self.id % 3:
            lat, lon = place.points[self.id % len(place.points)]
        return [
            self.id,
            None,  # the number, given per day by `_assign_numbers`
            self.code,
            self.channel,
            self.kind,
            self.leaf.category_id,
            self.urgency.pk,
            self.description,
            place.region_id,
            place.district_id,
            place.street_id,
            place.community_id,
            self.address,
            lat,
            lon,
            self.citizen_id,
            self.name,
            self.phone,
            "",
            self.anonymous,
            self.confidential,
            entered_by,
            status,
            self.outcome if status == Status.CLOSED else "",
            1,
            self.lead,
            self.suggested,
            None,
            self.referred_to,
            self.reply_text,
            self.supervised,
            self.reopen_requested,
            self.answers,
            sla.running_deadline(
                status,
                accept=self.accept_due,
                dispatch=self.dispatch_due,
                response=self.response_due,
                reply=self.reply_due,
                callback=self.callback_due,
            ),
            self.accept_due,
            self.dispatch_due,
            self.response_due,
            self.reply_due,
            self.callback_due,
            self.submitted,
            self.accepted,
            self.dispatched,
            self.contacted,
            self.replied,
            self.closed,
            self.updated,
        ]
