"""The three rates against hand-computed figures; exclusions; schemes; ranking ties; grades."""

from datetime import date

import pytest
from django.utils import timezone

from analytics import evaluation, refresh
from analytics.models import CallbackReview, EvaluationScheme
from tickets import services

pytestmark = pytest.mark.django_db


def called_back(lifecycle, staff, units, *, unit="street", reachable=True, contacted=True,
                solved=True, satisfaction="satisfied", **ticket):  # fmt: skip
    ticket = lifecycle("accepted", **ticket)
    handler = {"street": "handler", "other_street": "other_handler"}[unit]
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units[unit])
    services.ticket_reply(ticket_id=ticket.pk, actor=staff[handler], text="已处理")
    return services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], reachable=reachable,
        contacted=contacted if reachable else None, solved=solved if reachable else None,
        satisfaction=satisfaction if reachable else "",
    )  # fmt: skip


@pytest.fixture
def month(lifecycle, staff, units):
    """和平街: 4 valid callbacks, 1 unreachable, 1 anonymous; one valid one is later reviewed
    as unreasonable. 安贞: 1 valid, all good."""
    called_back(lifecycle, staff, units)  # contacted, solved, satisfied
    called_back(lifecycle, staff, units, satisfaction="basically")
    called_back(lifecycle, staff, units, solved=False, satisfaction="unsatisfied")
    unfair = called_back(
        lifecycle, staff, units, contacted=False, solved=False, satisfaction="unsatisfied"
    )
    called_back(lifecycle, staff, units, reachable=False)
    called_back(lifecycle, staff, units, reachable=False, anonymous=True)
    CallbackReview.objects.create(
        callback=unfair, reason="unreasonable", reviewed_by=staff["supervisor"]
    )
    called_back(lifecycle, staff, units, unit="other_street")
    refresh.rebuild(refresh.ticket_days())
    return refresh.month_of(refresh.local_day(timezone.now()))


def by_unit(standings):
    return {s.unit.code: s for s in standings}


def test_rates_without_exclusions_match_the_hand_computation(month):
    hepingjie = by_unit(evaluation.standings("street_office", month, excluded=False))[
        "st-110105019"
    ]
    assert hepingjie.valid == 4  # the unreachable and the anonymous callbacks do not count
    rates = hepingjie.rates
    assert rates["response"] == pytest.approx(3 / 4)
    assert rates["resolution"] == pytest.approx(2 / 4)
    assert rates["satisfaction"] == pytest.approx((1 + 0.9 * 1) / 4)
    assert rates["composite"] == pytest.approx(0.1 * 0.75 + 0.5 * 0.5 + 0.4 * 0.475)


def test_reviewed_exclusions_give_the_second_figure(month):
    hepingjie = by_unit(evaluation.standings("street_office", month))["st-110105019"]
    assert hepingjie.valid == 3
    assert hepingjie.rates["response"] == pytest.approx(1.0)
    assert hepingjie.rates["resolution"] == pytest.approx(2 / 3)
    assert hepingjie.rates["satisfaction"] == pytest.approx(1.9 / 3)
    assert hepingjie.rates_all["composite"] == pytest.approx(0.515)  # both figures kept


def test_a_scheme_changes_weights_and_what_is_excluded(month):
    EvaluationScheme.objects.create(
        name="街道考核", unit_kind="street_office", valid_from=month,
        weight_response="0.2", weight_resolution="0.4", weight_satisfaction="0.4",
        basically_factor="0.8", exclude_unreasonable=False,
    )  # fmt: skip
    hepingjie = by_unit(evaluation.standings("street_office", month))["st-110105019"]
    assert hepingjie.valid == 4  # this scheme keeps unreasonable demands
    satisfaction = (1 + 0.8) / 4
    assert hepingjie.rates["composite"] == pytest.approx(
        0.2 * 0.75 + 0.4 * 0.5 + 0.4 * satisfaction
    )


def test_the_kind_scheme_wins_over_the_general_one_and_later_months_win():
    EvaluationScheme.objects.create(name="通用", unit_kind="", valid_from=date(2026, 1, 1))
    EvaluationScheme.objects.create(
        name="街道", unit_kind="street_office", valid_from=date(2026, 3, 1)
    )
    EvaluationScheme.objects.create(
        name="街道新", unit_kind="street_office", valid_from=date(2026, 9, 1)
    )
    assert evaluation.scheme_for("street_office", date(2026, 2, 1)).name == "通用"
    assert evaluation.scheme_for("street_office", date(2026, 5, 1)).name == "街道"
    assert evaluation.scheme_for("street_office", date(2026, 10, 1)).name == "街道新"
    assert evaluation.scheme_for("utility", date(2026, 10, 1)).name == "通用"
    assert evaluation.scheme_for("utility", date(2025, 10, 1)).name == "default"


def test_ranking_and_grades(month):
    ranked = evaluation.standings("street_office", month)
    assert [s.unit.code for s in ranked] == ["st-110105003", "st-110105019"]
    assert [s.rank for s in ranked] == [1, 2]
    assert ranked[0].grade == "A" and ranked[1].grade == "D"  # 1.0 and 0.6867 (below 0.7)


def test_a_unit_without_valid_callbacks_has_no_rates_and_no_rank(month, lifecycle, staff, units):
    from departments.models import Department

    quiet = Department.objects.create(code="st-quiet", name="静街道办事处", kind="street_office")
    ticket = lifecycle("accepted")
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=quiet)
    refresh.rebuild(refresh.ticket_days())
    quiet_standing = by_unit(evaluation.standings("street_office", month))["st-quiet"]
    assert quiet_standing.valid == 0 and quiet_standing.rank is None
    assert quiet_standing.rates["composite"] is None and quiet_standing.grade == ""


def _standing(code, composite):
    from departments.models import Department

    unit = Department(code=code, name=code)
    rates = {"composite": composite}
    return evaluation.Standing(unit, date(2026, 11, 1), 1, rates, rates)


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranked = evaluation.rank(
        [_standing("a", 0.9), _standing("b", 0.8), _standing("c", 0.9), _standing("d", 0.7),
         _standing("e", None), _standing("f", 0.1 + 0.2), _standing("g", 0.3)]
    )  # fmt: skip
    assert [(s.unit.code, s.rank) for s in ranked] == [
        ("a", 1), ("c", 1), ("b", 3), ("d", 4), ("f", 5), ("g", 5), ("e", None),
    ]  # fmt: skip


def test_month_on_month_change(lifecycle, staff, units):
    import time_machine

    with time_machine.travel("2026-10-15 10:00 +0800"):
        called_back(lifecycle, staff, units, solved=False, satisfaction="unsatisfied")
    with time_machine.travel("2026-11-10 10:00 +0800"):
        called_back(lifecycle, staff, units)
        refresh.rebuild(refresh.ticket_days())
    hepingjie = by_unit(evaluation.standings("street_office", date(2026, 11, 1)))["st-110105019"]
    october = 0.1 * 1 + 0.5 * 0 + 0.4 * 0
    assert hepingjie.change == pytest.approx(1.0 - october)
    trend = evaluation.trend(hepingjie.unit, date(2026, 11, 1), months=3)
    assert [t["month"] for t in trend] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert trend[0]["composite"] is None and trend[1]["composite"] == pytest.approx(october)


def test_on_time_shares(month):
    hepingjie = by_unit(evaluation.standings("street_office", month))["st-110105019"]
    assert hepingjie.on_time["dispatch"] == 1.0 and hepingjie.on_time["reply"] == 1.0
