"""Shared fixtures: a small city, its units, staff in every role, and a way to make tickets."""

import io

import pytest
from django.db import connection
from PIL import Image

from departments.holiday_data import ensure_calendar
from departments.models import CalendarDay, Department, Membership, Region
from tickets import services
from tickets.defaults import ensure_urgency_classes
from tickets.models import Kind, UrgencyClass

from .factories import (
    CategoryFactory,
    DepartmentFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
)

Role = Membership.Role


def pytest_collection_modifyitems(config, items):
    """Skip tests marked `postgres` when the suite runs on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def test_settings(settings):
    """Creating a dozen staff users per test with PBKDF2 would dominate the suite's run time;
    the manifest storage needs `collectstatic`, which tests do not run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fresh_caches_and_counters():
    """The caches (rate-limit counters of the residents' site, cached API keys and figures, the
    reference cache's categories, regions and suggestions), the API's rate counters, the
    outbox's broker pause and the boundary index outlive a test's rolled-back rows: each test
    starts and ends without them."""
    from django.core.cache import caches

    from clients import throttling
    from geo import index
    from tickets import outbox

    def clear():
        for cache in caches.all():
            cache.clear()
        throttling.reset()
        outbox.resume_broker()
        index.forget()  # the boundary index built from a test's rolled-back rows

    clear()
    yield
    clear()


@pytest.fixture(autouse=True, scope="session")
def celery_broker_in_memory():
    """Tasks the code under test enqueues go to kombu's in-memory broker, not to the demo's
    var/broker/ (the worker tests point the app at Redis: tests/tickets/celery_worker.py)."""
    from portal.celery import app

    app.conf.update(broker_url="memory://localhost/", broker_transport_options={})
    yield


@pytest.fixture
def city(db):
    """Beijing › 朝阳区 › 和平街街道 › 胜古南社区, and a second street in the same district."""
    beijing = RegionFactory(code="110000", name="北京市", level=Region.Level.CITY)
    chaoyang = RegionFactory(
        code="110105", name="朝阳区", level=Region.Level.DISTRICT, parent=beijing
    )
    hepingjie = RegionFactory(
        code="110105019", name="和平街街道", level=Region.Level.STREET, parent=chaoyang
    )
    shenggunan = RegionFactory(
        code="110105019001", name="胜古南社区", level=Region.Level.COMMUNITY, parent=hepingjie
    )
    anzhen = RegionFactory(
        code="110105003", name="安贞街道", level=Region.Level.STREET, parent=chaoyang
    )
    return {
        "beijing": beijing,
        "chaoyang": chaoyang,
        "hepingjie": hepingjie,
        "shenggunan": shenggunan,
        "anzhen": anzhen,
    }


@pytest.fixture
def units(city):
    hotline = DepartmentFactory(
        code="hotline",
        name="12345热线中心",
        kind=Department.Kind.HOTLINE_CENTRE,
        region=city["beijing"],
    )
    district = DepartmentFactory(
        code="gov-110105",
        name="朝阳区人民政府",
        kind=Department.Kind.DISTRICT_GOVERNMENT,
        region=city["chaoyang"],
    )
    street = DepartmentFactory(
        code="st-110105019",
        name="和平街街道办事处",
        kind=Department.Kind.STREET_OFFICE,
        region=city["hepingjie"],
        parent=district,
    )
    other_street = DepartmentFactory(
        code="st-110105003",
        name="安贞街道办事处",
        kind=Department.Kind.STREET_OFFICE,
        region=city["anzhen"],
        parent=district,
    )
    bureau = DepartmentFactory(
        code="bj-zjw",
        name="北京市住房和城乡建设委员会",
        kind=Department.Kind.MUNICIPAL_DEPARTMENT,
        region=city["beijing"],
    )
    return {
        "hotline": hotline,
        "district": district,
        "street": street,
        "other_street": other_street,
        "bureau": bureau,
    }


@pytest.fixture
def staff(units):
    """One user per role. Handlers and the unit head work at 和平街街道."""

    def member(username, unit, role):
        user = UserFactory(username=username)
        MembershipFactory(user=user, department=units[unit], role=role)
        return user

    return {
        "operator": member("operator", "hotline", Role.OPERATOR),
        "dispatcher": member("dispatcher", "hotline", Role.DISPATCHER),
        "callback": member("callback", "hotline", Role.CALLBACK_OPERATOR),
        "supervisor": member("supervisor", "hotline", Role.SUPERVISOR),
        "analyst": member("analyst", "hotline", Role.ANALYST),
        "handler": member("handler", "street", Role.HANDLER),
        "head": member("head", "street", Role.UNIT_HEAD),
        "other_handler": member("other_handler", "other_street", Role.HANDLER),
        "bureau_handler": member("bureau_handler", "bureau", Role.HANDLER),
        "district_head": member("district_head", "district", Role.UNIT_HEAD),
    }


@pytest.fixture
def urgency(db):
    """The default urgency classes and work calendar (a transactional test's flush removes the
    rows the data migrations loaded, so they are ensured here)."""
    ensure_urgency_classes(UrgencyClass)
    ensure_calendar(CalendarDay)
    return {u.code: u for u in UrgencyClass.objects.all()}


@pytest.fixture
def category(urgency):
    """住房 › 物业管理 › 楼牌号缺失, a general-class leaf."""
    housing = CategoryFactory(code="housing", name="住房", level=1, urgency=None)
    property_ = CategoryFactory(
        code="housing.property", name="物业管理", level=2, parent=housing, urgency=None
    )
    return CategoryFactory(
        code="housing.property.plate", name="楼牌号缺失", level=3, parent=property_
    )


@pytest.fixture
def intake(city, category):
    """Valid intake fields for a web demand; override per test."""
    return {
        "channel": "web",
        "kind": Kind.HELP,
        "category": category,
        "region": city["shenggunan"],
        "description": "老旧小区楼牌号缺失，外卖骑手找不到12号楼，耽误送单。",
        "address": "胜古南里12号楼",
        "contact_name": "李雪贞",
        "contact_phone": "13812345678",
    }


@pytest.fixture
def submit(intake):
    def make(**overrides):
        return services.ticket_submit(**{**intake, **overrides})

    return make


@pytest.fixture
def lifecycle(submit, staff, units):
    """Move a ticket along the happy path up to a named status; returns the fresh ticket."""

    def to(status: str, **submit_overrides):
        ticket = submit(**submit_overrides)
        steps = {
            "accepted": lambda t: services.ticket_accept(ticket_id=t.pk, actor=staff["operator"]),
            "dispatched": lambda t: services.ticket_dispatch(
                ticket_id=t.pk, actor=staff["dispatcher"], lead=units["street"]
            ),
            "in_progress": lambda t: services.ticket_sign_and_contact(
                ticket_id=t.pk, actor=staff["handler"], method="phone"
            ),
            "replied": lambda t: services.ticket_reply(
                ticket_id=t.pk, actor=staff["handler"], text="已安装楼牌。"
            ),
            "closed": lambda t: services.ticket_record_callback(
                ticket_id=t.pk,
                actor=staff["callback"],
                contacted=True,
                solved=True,
                satisfaction="satisfied",
            ),
        }
        for step in steps.values():
            if ticket.status == status:
                break
            step(ticket)
            ticket.refresh_from_db()
        assert ticket.status == status
        return ticket

    return to


def image_bytes(fmt="JPEG", size=(40, 30), exif_gps=False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (39.0, 58.0, 12.0)
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """`collectstatic` once per run, for the production processes the deployment and fault tests
    start (DEBUG off: pages link the hashed names of the manifest)."""
    from tests.stack import collect_static

    return collect_static(tmp_path_factory.mktemp("static"))
