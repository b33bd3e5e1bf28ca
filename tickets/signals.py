"""Signals sent after a ticket change has been committed.

Receivers (notifications, search indexing, webhooks) run only once the change is durable, so a
rolled-back action never notifies anyone. `event_id` identifies the trajectory event written.
"""

from django.dispatch import Signal

ticket_changed = Signal()  # kwargs: ticket_id, action, event_id
