"""System checks guarding the workflow's configuration."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tickets import permissions, workflow
from tickets.checks import check_action_permissions, check_transition_table
from tickets.workflow import Action, Status


def test_shipped_configuration_passes():
    assert check_transition_table() == []
    assert check_action_permissions() == []


def test_missing_action_in_table_fails_the_check(monkeypatch):
    table = {a: t for a, t in workflow.TRANSITIONS.items() if a != Action.SUPERVISE}
    monkeypatch.setattr(workflow, "TRANSITIONS", table)
    errors = check_transition_table()
    assert [e.id for e in errors] == ["tickets.E001"]
    assert "supervise" in errors[0].msg


def test_missing_status_in_table_fails_the_check(monkeypatch):
    table = {
        a: workflow.Transition(t.sources - {Status.REPLIED}, t.target)
        for a, t in workflow.TRANSITIONS.items()
        if t.target != Status.REPLIED
    }
    monkeypatch.setattr(workflow, "TRANSITIONS", table)
    assert any("'replied'" in e.msg for e in check_transition_table())


@pytest.mark.django_db
def test_manage_py_check_fails_on_a_broken_table(monkeypatch):
    table = {a: t for a, t in workflow.TRANSITIONS.items() if a != Action.REOPEN}
    monkeypatch.setattr(workflow, "TRANSITIONS", table)
    with pytest.raises(SystemCheckError, match=r"tickets\.E001"):
        call_command("check")


def test_action_without_permission_rule_fails_the_check(monkeypatch):
    rules = {a: r for a, r in permissions.HOTLINE_ACTIONS.items() if a != Action.DISPATCH}
    monkeypatch.setattr(permissions, "HOTLINE_ACTIONS", rules)
    assert [e.id for e in check_action_permissions()] == ["tickets.E002"]


@pytest.mark.parametrize(
    ("code", "errors"), [("010", 0), ("0755", 0), ("10", 1), ("01", 1), ("abc", 1)]
)
def test_the_default_area_code_must_be_an_area_code(settings, code, errors):
    from tickets.checks import check_default_area_code

    settings.PORTAL_PHONE_DEFAULT_AREA_CODE = code
    found = check_default_area_code()
    assert len(found) == errors and all(e.id == "tickets.E005" for e in found)
