"""Staff roles as Django permission groups: what each role may open in the admin.

The group gives model permissions (which admin pages exist for the user); which tickets they
see and which actions they may take are decided by memberships (`tickets.selectors`,
`tickets.permissions`).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import Membership

Role = Membership.Role

_TICKET_READ = [
    "tickets.view_ticket",
    "tickets.view_ticketevent",
    "tickets.view_assignment",
    "tickets.view_attachment",
    "tickets.view_extension",
    "tickets.view_callback",
    "tickets.view_category",
    "tickets.view_urgencyclass",
    "departments.view_department",
    "departments.view_region",
]
# The knowledge base (issue 14): writing is scoped per unit by knowledge.permissions.
_KNOWLEDGE = [
    "knowledge.view_article",
    "knowledge.add_article",
    "knowledge.change_article",
    "knowledge.view_articleversion",
]
_HOTLINE = [
    *_TICKET_READ,
    *_KNOWLEDGE,
    "portal.view_citizen",
    "departments.view_dispatchrule",
]
# The classifier's versions and held-out accuracy, and what the suggestions showed (issue 14).
_SUGGESTIONS = ["suggestions.view_classifiermodel", "suggestions.view_suggestionrecord"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OPERATOR: _HOTLINE,
    Role.DISPATCHER: [*_HOTLINE, "departments.view_calendarday"],
    Role.CALLBACK_OPERATOR: _HOTLINE,
    Role.SUPERVISOR: [
        *_HOTLINE,
        "departments.view_membership",
        *_SUGGESTIONS,
        # failed staff sign-ins: see who is locked out, unlock (accounts.admin)
        "accounts.view_failedlogin",
        "accounts.delete_failedlogin",
    ],
    Role.ANALYST: [*_TICKET_READ, *_SUGGESTIONS],
    Role.HANDLER: [*_TICKET_READ, *_KNOWLEDGE],
    Role.UNIT_HEAD: [*_TICKET_READ, *_KNOWLEDGE, "departments.view_membership"],
}


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups() -> dict[str, Group]:
    """Create or update one group per role with exactly its permissions."""
    groups = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        # (Permissions are created by post_migrate too; missing ones appear on the next sync.)
        query = Q()
        for perm in perms:
            app_label, codename = perm.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query))
        groups[role] = group
    return groups
