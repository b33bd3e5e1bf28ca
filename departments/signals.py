"""Keep Django's permission groups in step with roles.

- After every `migrate`, each role's group exists with exactly its permissions.
- A user's role groups follow their memberships, and anyone with a membership may sign in to
  the admin (is_staff); which tickets they see is still decided by the memberships themselves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Membership
from .roles import group_name, sync_role_groups


def sync_after_migrate(sender, **kwargs):
    sync_role_groups()


@receiver([post_save, post_delete], sender=Membership)
def sync_user_groups(sender, instance, **kwargs):
    from django.contrib.auth.models import Group

    user = instance.user
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    wanted = set(Group.objects.filter(name__in=[group_name(r) for r in roles]))
    current = set(user.groups.filter(name__startswith="role:"))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))
    if roles and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
