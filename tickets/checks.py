"""System checks for configuration invariants the workflow relies on."""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from . import permissions, workflow


@checks.register()
def check_transition_table(app_configs=None, **kwargs):
    """tickets.E001: every status and every action is in the transition table."""
    return [
        checks.Error(
            problem, id="tickets.E001", hint="Complete TRANSITIONS in tickets/workflow.py."
        )
        for problem in workflow.table_problems()
    ]


@checks.register()
def check_action_permissions(app_configs=None, **kwargs):
    """tickets.E002: every action has a rule saying who may take it."""
    covered = (
        set(permissions.HOTLINE_ACTIONS)
        | permissions.LEAD_UNIT_ACTIONS
        | permissions.RESIDENT_ACTIONS
        | {workflow.Action.ADD_NOTE}
    )
    return [
        checks.Error(
            f"action {action.value!r} has no permission rule",
            id="tickets.E002",
            hint="Add it to tickets/permissions.py.",
        )
        for action in workflow.Action
        if action not in covered
    ]


@checks.register()
def check_file_serving(app_configs=None, **kwargs):
    """tickets.E004: PORTAL_FILES_SERVE names a way of serving attachments that exists."""
    from .files import SERVE_MODES

    if settings.PORTAL_FILES_SERVE in SERVE_MODES:
        return []
    return [
        checks.Error(
            f"PORTAL_FILES_SERVE is {settings.PORTAL_FILES_SERVE!r}",
            hint=f"Use one of {', '.join(SERVE_MODES)} (README: Public data and files).",
            id="tickets.E004",
        )
    ]


@checks.register(checks.Tags.database)
def check_categories_have_urgency(app_configs=None, **kwargs):
    """tickets.E003: every leaf category has an urgency class (run with --database)."""
    from .models import Category

    try:
        missing = list(
            Category.objects.filter(level=Category.LEAF_LEVEL, urgency__isnull=True).values_list(
                "code", flat=True
            )[:20]
        )
    except DatabaseError:
        return []  # not migrated yet
    return [
        checks.Error(
            f"leaf category {code!r} has no urgency class",
            id="tickets.E003",
            hint="Set its default urgency in the admin.",
        )
        for code in missing
    ]


@checks.register()
def check_default_area_code(app_configs=None, **kwargs):
    """tickets.E005: local landline numbers get a real area code (tickets.phones)."""
    import re

    from django.conf import settings

    code = settings.PORTAL_PHONE_DEFAULT_AREA_CODE
    if re.fullmatch(r"0[1-9]\d{1,2}", code):
        return []
    return [
        checks.Error(
            f"PORTAL_PHONE_DEFAULT_AREA_CODE {code!r} is not an area code",
            id="tickets.E005",
            hint="Give the hotline's area code with its leading 0, e.g. 010 or 0755.",
        )
    ]
