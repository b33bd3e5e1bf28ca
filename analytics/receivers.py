"""Mark the days a change touched, so the refresh task recomputes their summaries."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tickets.models import Ticket
from tickets.signals import ticket_changed

from . import refresh
from .models import CallbackReview


@receiver(ticket_changed, sender=Ticket, dispatch_uid="analytics_mark_dirty")
def ticket_was_changed(sender, ticket_id, **kwargs):
    refresh.mark_dirty(refresh.days_touched_by(ticket_id))


@receiver([post_save, post_delete], sender=CallbackReview, dispatch_uid="analytics_review")
def review_was_changed(sender, instance, **kwargs):
    recorded_at = instance.callback.recorded_at
    refresh.mark_dirty([refresh.local_day(recorded_at)])
