"""The article workflow table: every allowed and every forbidden move. Pure."""

import pytest

from knowledge import workflow
from knowledge.workflow import Action, Status

ALLOWED = {
    (Status.DRAFT, Action.EDIT): Status.DRAFT,
    (Status.IN_REVIEW, Action.EDIT): Status.IN_REVIEW,
    (Status.PUBLISHED, Action.EDIT): Status.PUBLISHED,
    (Status.DRAFT, Action.SUBMIT): Status.IN_REVIEW,
    (Status.IN_REVIEW, Action.PUBLISH): Status.PUBLISHED,
    (Status.IN_REVIEW, Action.RETURN): Status.DRAFT,
    (Status.PUBLISHED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.WITHDRAWN, Action.REDRAFT): Status.DRAFT,
}
MOVES = [a for a in Action if a != Action.CREATE]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", MOVES)
def test_each_move_is_allowed_exactly_as_the_table_says(status, action):
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(workflow.TransitionNotAllowed):
            workflow.target(status, action)
    else:
        assert workflow.target(status, action) == expected


def test_withdrawn_articles_cannot_be_edited_or_published_directly():
    assert workflow.allowed(Status.WITHDRAWN) == [Action.REDRAFT]
    assert workflow.allowed(Status.DRAFT) == [Action.SUBMIT]
    assert workflow.allowed(Status.IN_REVIEW) == [Action.PUBLISH, Action.RETURN]


def test_unknown_status_or_action_is_refused():
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.target("archived", Action.PUBLISH)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.target(Status.DRAFT, "delete")
