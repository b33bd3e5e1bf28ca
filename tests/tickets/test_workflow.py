"""The transition table, checked pair by pair against DESIGN.md §4 (no database)."""

import itertools

import pytest

from tickets import workflow
from tickets.exceptions import TransitionNotAllowed
from tickets.workflow import Action, Status

S = Status
OPEN = [S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.REPLIED]
SAME = "unchanged"

# DESIGN.md §4, written out independently of tickets/workflow.py: (from, action) → to.
EXPECTED = {
    (None, Action.SUBMIT): S.SUBMITTED,
    (None, Action.PHONE_INTAKE): S.ACCEPTED,
    (S.SUBMITTED, Action.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Action.ANSWER_DIRECTLY): S.CLOSED,
    (S.ACCEPTED, Action.ANSWER_DIRECTLY): S.CLOSED,
    (S.SUBMITTED, Action.CLOSE_AT_INTAKE): S.CLOSED,
    (S.ACCEPTED, Action.CLOSE_AT_INTAKE): S.CLOSED,
    (S.ACCEPTED, Action.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, Action.RETURN): S.ACCEPTED,
    (S.DISPATCHED, Action.SIGN_AND_CONTACT): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.REQUEST_EXTENSION): SAME,
    (S.IN_PROGRESS, Action.DECIDE_EXTENSION): SAME,
    **{(s, Action.ADD_NOTE): SAME for s in OPEN},
    **{(s, Action.SUPERVISE): SAME for s in OPEN},
    (S.DISPATCHED, Action.REPLY): S.REPLIED,
    (S.IN_PROGRESS, Action.REPLY): S.REPLIED,
    (S.REPLIED, Action.RECORD_CALLBACK): S.CLOSED,
    (S.CLOSED, Action.REQUEST_REOPEN): SAME,
    (S.CLOSED, Action.REOPEN): S.ACCEPTED,
}
ALL_PAIRS = list(itertools.product([None, *Status], Action))


@pytest.mark.parametrize(
    ("status", "action"), [p for p in ALL_PAIRS if p in EXPECTED], ids=lambda v: str(v)
)
def test_allowed_pair_leads_to_expected_status(status, action):
    expected = EXPECTED[(status, action)]
    assert workflow.check(status, action) == (status if expected == SAME else expected)
    assert workflow.is_allowed(status, action)


@pytest.mark.parametrize(
    ("status", "action"), [p for p in ALL_PAIRS if p not in EXPECTED], ids=lambda v: str(v)
)
def test_forbidden_pair_raises(status, action):
    assert not workflow.is_allowed(status, action)
    with pytest.raises(TransitionNotAllowed):
        workflow.check(status, action)


def test_closed_ticket_can_only_be_reopened_or_asked_to_be():
    assert workflow.allowed_actions(S.CLOSED) == [Action.REQUEST_REOPEN, Action.REOPEN]


def test_table_is_complete():
    assert workflow.table_problems() == []


def test_table_problems_names_a_missing_action(monkeypatch):
    table = dict(workflow.TRANSITIONS)
    del table[Action.REOPEN]
    del table[Action.REQUEST_REOPEN]
    monkeypatch.setattr(workflow, "TRANSITIONS", table)
    problems = workflow.table_problems()
    assert "action 'reopen' has no transition" in problems
    assert "status 'closed' allows no action" in problems


def test_table_problems_names_an_unreachable_status(monkeypatch):
    table = {
        action: workflow.Transition(t.sources - {S.REPLIED}, t.target)
        for action, t in workflow.TRANSITIONS.items()
        if t.target != S.REPLIED
    }
    monkeypatch.setattr(workflow, "TRANSITIONS", table)
    assert "status 'replied' is not in the transition table" in workflow.table_problems()


def test_transition_error_names_action_and_status():
    with pytest.raises(TransitionNotAllowed) as error:
        workflow.check(S.CLOSED, Action.DISPATCH)
    assert error.value.http_status == 409
    assert "dispatch" in str(error.value).lower() or "派单" in str(error.value)
