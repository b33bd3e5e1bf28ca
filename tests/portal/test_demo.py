"""The demo city and the bulk ticket generator keep the same invariants the services keep."""

from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F, Q

from departments.catalogue import suggest_lead_unit
from departments.models import Department, DispatchRule, Membership, Region
from portal.demo.generator import generate
from tickets.models import Assignment, Callback, Category, Ticket, TicketEvent
from tickets.sla import SHANGHAI
from tickets.workflow import Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_city(urgency):
    call_command("load_demo_city", quiet_logins=True, verbosity=0)


def test_city_has_what_the_issue_asks_for(demo_city):
    assert Region.objects.filter(level=Region.Level.DISTRICT).count() == 16
    hepingjie = Region.objects.get(name="和平街街道", parent__name="朝阳区")
    communities = set(hepingjie.children.values_list("name", flat=True))
    assert {"胜古南社区", "煤炭科技苑社区"} <= communities
    streets = Region.objects.filter(level=Region.Level.STREET)
    assert streets.values("parent").distinct().count() >= 3
    kinds = set(Department.objects.values_list("kind", flat=True))
    assert kinds == set(Department.Kind.values)
    assert Department.objects.count() >= 40
    assert Category.objects.filter(level=3).count() >= 40
    assert not Category.objects.filter(level=3, urgency__isnull=True).exists()
    assert DispatchRule.objects.count() == Category.objects.filter(level=3).count()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Membership.Role.values)


def test_loading_twice_changes_nothing(demo_city):
    counts = (Region.objects.count(), Department.objects.count(), Category.objects.count())
    call_command("load_demo_city", quiet_logins=True, verbosity=0)
    assert (Region.objects.count(), Department.objects.count(), Category.objects.count()) == counts


def test_catalogue_sends_a_missing_plate_in_hepingjie_to_its_street_office(demo_city):
    plate = Category.objects.get(name="楼牌号缺失")
    community = Region.objects.get(name="胜古南社区")
    assert suggest_lead_unit(plate, community).name == "和平街街道办事处"


def test_generated_tickets_are_consistent(demo_city):
    # A fixed "now" and seed make the run repeatable (what is still open depends on the hour).
    with time_machine.travel("2026-11-26 15:00 +0800", tick=False):
        written = generate(600, days=20, seed=3, chunk=250)
    assert written["tickets"] == 600
    tickets = Ticket.objects.all()
    statuses = Counter(tickets.values_list("status", flat=True))
    assert set(statuses) == set(Status.values), statuses
    # Numbers: unique, dated by the Beijing submission date.
    for number, submitted in tickets.values_list("number", "submitted_at"):
        assert number[:8] == submitted.astimezone(SHANGHAI).strftime("%Y%m%d")
    # The trajectory chains from status to status and ends at the ticket's status.
    events = TicketEvent.objects.order_by("ticket_id", "created_at", "id").values_list(
        "ticket_id", "from_status", "to_status", "action"
    )
    last = {}
    for ticket_id, from_status, to_status, action in events:
        if ticket_id not in last:
            assert action in ("submit", "phone_intake") and from_status == ""
        else:
            assert from_status == last[ticket_id], (ticket_id, action)
        last[ticket_id] = to_status
    assert dict(tickets.values_list("id", "status")) == last
    # The running deadline is the one the model would compute.
    for ticket in tickets.exclude(status=Status.CLOSED):
        assert ticket.due_at == ticket.running_deadline() is not None
    assert not tickets.filter(status=Status.CLOSED).exclude(due_at=None).exists()
    assert not tickets.filter(status=Status.CLOSED, closed_at=None).exists()
    # One active lead per dispatched ticket, and it is the ticket's lead unit.
    handled = [Status.DISPATCHED, Status.IN_PROGRESS, Status.REPLIED]
    open_handled = tickets.filter(status__in=handled)
    leads = Assignment.objects.filter(role="lead", active=True, ticket__in=open_handled)
    assert leads.count() == open_handled.count()
    assert not leads.exclude(unit=F("ticket__lead_unit")).exists()
    # Callbacks only on handled tickets; anonymous ones never valid.
    assert Callback.objects.count() == tickets.filter(outcome="handled").count()
    assert not Callback.objects.filter(valid=True, ticket__anonymous=True).exists()
    assert not Callback.objects.filter(Q(valid=True) & Q(satisfaction="")).exists()
    per_ticket = TicketEvent.objects.values("ticket").annotate(n=Count("id"))
    assert min(row["n"] for row in per_ticket) >= 1
    # Every ticket carries the dispatch catalogue's suggestion, as the services compute it:
    # at intake, and after a return passing over the unit that returned it.
    returned = set(Assignment.objects.exclude(returned_at=None).values_list("ticket", "unit"))
    assert returned  # the sample has returns
    for ticket in tickets.select_related("category__parent__parent", "region"):
        exclude = {unit for ticket_id, unit in returned if ticket_id == ticket.pk}
        expected = suggest_lead_unit(ticket.category, ticket.region, exclude=exclude)
        assert ticket.suggested_unit == expected, ticket.number


def test_demo_logins_can_sign_in(demo_city, client):
    # through the sign-in page, as staff do (django-axes counts failures per request)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "dispatcher", "password": "demo-12345"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_generated_events_name_who_acted(demo_city):
    """Only the resident's own events (submission, web rating) have no actor name."""
    generate(300, days=10, seed=3, chunk=300)
    unnamed = TicketEvent.objects.filter(actor_name="").exclude(action="submit")
    assert not unnamed.exists(), list(unnamed.values_list("action", flat=True)[:5])


@pytest.mark.postgres
def test_a_big_load_rebuilds_the_description_index_afterwards(demo_city, monkeypatch):
    from django.db import connection

    from portal.demo import generator
    from tickets.search import DESCRIPTION_INDEX

    monkeypatch.setattr(generator, "BIG_LOAD", 100)
    generate(150, days=5, seed=5, chunk=150)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [DESCRIPTION_INDEX])
        assert cursor.fetchone() == (1,)


def test_every_place_unit_and_category_has_an_english_name(demo_city):
    for model in (Region, Department, Category):
        assert not model.objects.filter(name_en="").exists(), model.__name__
    names = {
        (model.__name__, code): name_en
        for model in (Region, Department, Category)
        for code, name_en in model.objects.values_list("code", "name_en")
    }
    assert names["Region", "110105"] == "Chaoyang District"
    assert names["Region", "110105007"] == "Hepingjie Subdistrict"  # 和平街街道, in pinyin
    assert names["Department", "st-110105007"] == "Hepingjie Subdistrict Office"
    assert names["Department", "gov-110105"] == "Chaoyang District People's Government"
    assert names["Category", "housing.property.plate"] == "Missing building number"
    assert names["Category", "gov.affairs.privacy"] == "Personal information requests"


def test_place_names_in_pinyin_follow_beijings_readings():
    from portal.demo.names_en import place_name_en, unit_name_en

    assert place_name_en("朝阳门街道") == "Chaoyangmen Subdistrict"  # cháo, not zhāo
    assert place_name_en("静安里社区") == "Jing'anli Community"  # a syllable boundary marked
    assert place_name_en("长店村") == "Changdian Village"
    assert unit_name_en("st-110105036", "金盏地区") == "Jinzhan Area Office"


def test_demo_callers_use_mobiles_and_landlines_in_the_normal_form(demo_city):
    from tickets.phones import is_mobile, normalize_phone

    generate(400, days=10, seed=5, chunk=400)
    phones = set(Ticket.objects.exclude(contact_phone="").values_list("contact_phone", flat=True))
    assert all(normalize_phone(phone) == phone for phone in phones)
    landlines = {phone for phone in phones if not is_mobile(phone)}
    assert landlines and all(phone.startswith("010-") for phone in landlines)
    assert len(landlines) < len(phones) / 3


@pytest.mark.parametrize("tickets", [5, 400])
def test_every_demo_login_has_open_work_in_each_of_its_queues(urgency, tickets):
    """README invites people to try each demo login: none may open an empty queue (issue 15:
    `hpj-handler` had nothing to do). Even a tiny load carries the planned work."""
    from django.contrib.auth import get_user_model

    from portal.demo.city import demo_logins
    from tickets.queues import queue_counts

    with time_machine.travel("2026-11-26 15:00 +0800", tick=False):
        call_command(
            "load_demo_city", tickets=tickets, days=60, seed=11, quiet_logins=True, verbosity=0
        )
        empty = {}
        logins = demo_logins()
        assert {login.username for login in logins} >= {"admin", "hpj-handler", "water-handler"}
        for login in logins:
            user = get_user_model().objects.get(username=login.username)
            counts = {queue.key: n for queue, n in queue_counts(user)}
            assert counts, login.username
            empty.update({(login.username, key): 0 for key, n in counts.items() if n == 0})
    assert empty == {}
    # The planned tickets count towards N (a tiny N is exceeded rather than leave queues empty).
    count = Ticket.objects.count()
    assert count == tickets if tickets >= 100 else count >= tickets


@pytest.mark.postgres
def test_a_big_load_in_two_processes_writes_what_one_process_writes(demo_city, monkeypatch):
    """Each chunk draws from its own seeded stream: the workers change the speed, not the data.
    The secondary indexes dropped for the load are all back afterwards."""
    from django.db import connection

    from portal.demo import generator

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'tickets_%%' ORDER BY 1"
            )
            return [name for (name,) in cursor.fetchall()]

    def load(workers):
        first = (Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        with time_machine.travel("2026-11-26 15:00 +0800", tick=False):
            written = generate(400, days=10, seed=9, chunk=100, workers=workers)
        tickets = Ticket.objects.filter(id__gte=first)
        rows = tickets.order_by("submitted_at", "description").values_list(
            "submitted_at", "status", "category_id", "community_id", "description", "due_at"
        )
        actions = TicketEvent.objects.filter(ticket__in=tickets).values_list("action", flat=True)
        return written, list(rows), Counter(actions)

    before = indexes()
    monkeypatch.setattr(generator, "BIG_LOAD", 100)
    alone = load(workers=1)
    together = load(workers=2)
    assert alone[0]["tickets"] == 400
    assert together == alone
    assert indexes() == before


def test_demo_services_ask_real_questions_and_demo_tickets_answer_them(demo_city, client):
    """Open311 `metadata` is true where a service asks something (a streetlight's pole number,
    a lift's registration code, a flat's floor), its definition lists the questions, and the
    generated tickets answer them as the intake would accept."""
    from tickets.models import CategoryAttribute
    from tickets.validation import clean_attributes

    services = {s["service_code"]: s for s in client.get("/open311/v2/services.json").json()}
    asking = {code for code, service in services.items() if service["metadata"]}
    assert {
        "city.facilities.streetlight",
        "housing.property.elevator",
        "housing.renovation.elevator",
        "heating.service.temperature",
    } <= asking
    assert not services["housing.property.plate"]["metadata"]
    definition = client.get("/open311/v2/services/city.facilities.streetlight.json").json()
    pole = definition["attributes"][0]
    assert (pole["code"], pole["required"], pole["datatype"]) == ("pole_no", True, "string")
    lift = client.get("/open311/v2/services/housing.property.elevator.json").json()
    assert [a["variable"] for a in lift["attributes"]] == [True, True, False]  # a note too

    with time_machine.travel("2026-11-26 15:00 +0800", tick=False):
        generate(400, days=20, seed=5, chunk=200)
    asked = set(CategoryAttribute.objects.values_list("category_id", flat=True))
    answered = Ticket.objects.filter(category_id__in=asked).select_related("category")
    assert answered.exists()
    for ticket in answered:
        assert clean_attributes(ticket.category, ticket.attributes) == ticket.attributes
    assert not Ticket.objects.exclude(category_id__in=asked).exclude(attributes={}).exists()
