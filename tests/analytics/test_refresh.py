"""Summaries: an incremental refresh equals a full rebuild; repeats, hotspots, topics."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from analytics import findings, refresh
from analytics.models import (
    CategoryMonth,
    DailyIntake,
    PlaceCategoryDay,
    RepeatDemand,
    UnitMonth,
)
from portal.demo.generator import generate
from tickets import services

TABLES = [DailyIntake, PlaceCategoryDay, RepeatDemand, UnitMonth, CategoryMonth]


def snapshot():
    """Every summary row, without ids, as sorted tuples."""
    result = {}
    for model in TABLES:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        result[model.__name__] = sorted(model.objects.values_list(*fields))
    return result


@pytest.mark.django_db(transaction=True)
def test_incremental_refresh_equals_a_full_rebuild(urgency, staff, units, intake):
    call_command("load_demo_city", quiet_logins=True, verbosity=0)
    generate(400, days=40, seed=11, chunk=400)
    call_command("rebuild_stats", all=True, verbosity=0)
    # Changes through the services; the refresh finds them by the tickets' updated_at.
    from tickets.models import Ticket

    accepted = Ticket.objects.filter(status="accepted").first()
    services.ticket_dispatch(ticket_id=accepted.pk, actor=staff["dispatcher"], lead=units["street"])
    replied = Ticket.objects.filter(status="replied").first()
    services.ticket_record_callback(
        ticket_id=replied.pk, actor=None, contacted=True, solved=False, satisfaction="unsatisfied"
    )
    services.ticket_submit(**intake)
    submitted = Ticket.objects.filter(status="submitted").first()
    services.ticket_accept(ticket_id=submitted.pk, actor=staff["operator"], kind="complaint")
    refresh.refresh_dirty()
    incremental = snapshot()
    call_command("rebuild_stats", all=True, verbosity=0)
    assert snapshot() == incremental
    assert sum(row[-1] for row in incremental["DailyIntake"]) == Ticket.objects.count()


@pytest.mark.django_db
def test_repeat_demands_by_resident_and_by_address(submit):
    with time_machine.travel("2026-10-01 09:00 +0800"):
        first = submit(address="胜古南里12号楼")
    with time_machine.travel("2026-10-20 09:00 +0800"):
        by_resident = submit(address="别处")  # same mobile number
        by_address = submit(contact_phone="13900002222", address="胜古南里12号楼")
    with time_machine.travel("2026-12-01 09:00 +0800"):
        too_late = submit(address="胜古南里12号楼")  # more than 30 days after any
    refresh.rebuild(refresh.ticket_days(date(2026, 10, 1), date(2026, 12, 1)))
    found = {(r.ticket_id, r.earlier_id, r.basis) for r in RepeatDemand.objects.all()}
    assert (by_resident.pk, first.pk, "resident") in found
    assert (by_address.pk, first.pk, "address") in found
    assert not any(r[0] == too_late.pk for r in found)
    assert findings.repeat_counts(date(2026, 10, 1), date(2026, 10, 31)) == {
        "resident": 1,
        "address": 1,
    }


@pytest.mark.django_db
def test_hotspot_detects_a_synthetic_spike(city, category):
    """Two tickets a week for eight weeks, then nine this week: z = (9 − 2)/√2 ≈ 4.9."""
    community = city["shenggunan"]
    today = date(2026, 11, 26)
    other = city["hepingjie"]  # a street-level place: not a community, never a hotspot
    rows = []
    for week in range(1, 9):
        day = today - timedelta(days=7 * week)
        rows.append((day, community, 2))
        rows.append((day, other, 2))
    rows.append((today, community, 9))
    rows.append((today, other, 9))
    for day, region, n in rows:
        PlaceCategoryDay.objects.create(
            day=day, month=day.replace(day=1), region=region, district=city["chaoyang"],
            street=city["hepingjie"], category=category, tickets=n,
        )  # fmt: skip
    (spot,) = findings.hotspots(today, window=7)
    assert spot.region == community and spot.category == category
    assert spot.count == 9 and spot.average == 2 and spot.z == pytest.approx(7 / 2**0.5)


@pytest.mark.django_db
def test_steady_counts_are_no_hotspot(city, category):
    today = date(2026, 11, 26)
    for week in range(9):
        day = today - timedelta(days=7 * week)
        PlaceCategoryDay.objects.create(
            day=day, month=day.replace(day=1), region=city["shenggunan"], district=city["chaoyang"],
            street=city["hepingjie"], category=category, tickets=5,
        )  # fmt: skip
    assert findings.hotspots(today, window=7) == []


@pytest.mark.django_db
def test_rebuild_command_reports_and_fills_the_month(submit):
    submit()
    month = timezone.localdate().strftime("%Y-%m")
    call_command("rebuild_stats", month=month, verbosity=0)
    assert DailyIntake.objects.get().tickets == 1
    assert CategoryMonth.objects.get().tickets == 1


@pytest.mark.django_db
def test_the_first_refresh_computes_everything_and_later_ones_only_changes(submit):
    with time_machine.travel("2026-09-10 09:00 +0800"):
        submit()
    with time_machine.travel("2026-11-20 09:00 +0800"):
        submit()
        assert refresh.refresh_dirty() == len(refresh.ticket_days())  # no earlier refresh
    assert DailyIntake.objects.count() == 2
    with time_machine.travel("2026-11-20 09:30 +0800"):
        assert refresh.refresh_dirty() == 1  # nothing changed: only today is looked at again
