"""An article's life: draft → in review → published → withdrawn (DESIGN.md §7a). Pure.

Every change of an article is one action of this table, done by `knowledge.services`, which keeps
a version for each. Editing keeps the status; editing a published article is a reviewer's
correction. Reviewing actions (publish, return, withdraw) need a reviewer (see permissions).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Action(models.TextChoices):
    CREATE = "create", _("created")
    EDIT = "edit", _("edited")
    SUBMIT = "submit", _("submitted for review")
    PUBLISH = "publish", _("published")
    RETURN = "return", _("returned to draft")
    WITHDRAW = "withdraw", _("withdrawn")
    REDRAFT = "redraft", _("taken back to draft")


# action → {from status: to status}
TRANSITIONS: dict[Action, dict[Status, Status]] = {
    Action.EDIT: {
        Status.DRAFT: Status.DRAFT,
        Status.IN_REVIEW: Status.IN_REVIEW,
        Status.PUBLISHED: Status.PUBLISHED,
    },
    Action.SUBMIT: {Status.DRAFT: Status.IN_REVIEW},
    Action.PUBLISH: {Status.IN_REVIEW: Status.PUBLISHED},
    Action.RETURN: {Status.IN_REVIEW: Status.DRAFT},
    Action.WITHDRAW: {Status.PUBLISHED: Status.WITHDRAWN},
    Action.REDRAFT: {Status.WITHDRAWN: Status.DRAFT},
}
# Actions only a reviewer may take (and editing a published article).
REVIEW_ACTIONS = frozenset({Action.PUBLISH, Action.RETURN, Action.WITHDRAW})
# The buttons of the admin's change page, in their order.
WORKFLOW_ACTIONS = (
    Action.SUBMIT,
    Action.PUBLISH,
    Action.RETURN,
    Action.WITHDRAW,
    Action.REDRAFT,
)


class TransitionNotAllowed(Exception):
    pass


def target(status: str, action: str) -> Status:
    """The status `action` leads to from `status`, or TransitionNotAllowed."""
    try:
        return TRANSITIONS[Action(action)][Status(status)]
    except (KeyError, ValueError):
        raise TransitionNotAllowed(
            _("An article that is “%(status)s” cannot be “%(action)s”.")
            % {
                "status": Status(status).label if status in Status.values else status,
                "action": Action(action).label if action in Action.values else action,
            }
        ) from None


def allowed(status: str) -> list[Action]:
    """The workflow actions possible from `status` (editing aside)."""
    return [a for a in WORKFLOW_ACTIONS if Status(status) in TRANSITIONS[a]]
