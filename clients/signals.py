"""Clearing cached API clients (`services.client_for_key`) whenever a client or its user changes.

A client is cached under its key's digest. Before a client is saved its stored digest is cleared
(a rotated key's old entry), after it the current one; a change to a client's service user (its
deactivation, above all) clears the entries of that user's client. Logins only touch last_login
and clear nothing.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import ApiClient
from .services import cache_key


def _forget(digests) -> None:
    digests = [d for d in digests if d]
    if digests:
        cache.delete_many([cache_key(d) for d in digests])


@receiver(pre_save, sender=ApiClient, dispatch_uid="clients.forget_stored_key")
def forget_stored_key(sender, instance, **kwargs):
    if instance.pk is not None:
        _forget(ApiClient.objects.filter(pk=instance.pk).values_list("key_hash", flat=True))


@receiver(post_save, sender=ApiClient, dispatch_uid="clients.forget_saved_key")
@receiver(post_delete, sender=ApiClient, dispatch_uid="clients.forget_deleted_key")
def forget_key(sender, instance, **kwargs):
    _forget([instance.key_hash])


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="clients.forget_user_keys")
def forget_user_keys(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    _forget(ApiClient.objects.filter(user_id=instance.pk).values_list("key_hash", flat=True))
