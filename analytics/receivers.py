"""Mark the days a callback review changes, so the refresh task recomputes their summaries.
(Ticket changes need no receiver: the refresh finds them by `Ticket.updated_at`.)"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import refresh
from .models import CallbackReview


@receiver([post_save, post_delete], sender=CallbackReview, dispatch_uid="analytics_review")
def review_was_changed(sender, instance, **kwargs):
    recorded_at = instance.callback.recorded_at
    refresh.mark_dirty([refresh.local_day(recorded_at)])
