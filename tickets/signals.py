"""Signals sent after a ticket change has been committed.

Receivers (search indexing, webhooks, integrations) run only once the change is durable, so a
rolled-back action never reaches them. The resident's notices do not wait for this signal: they
are written in the change's own transaction (`tickets.resident_notices`). `event_id` identifies
the trajectory event written.
"""

from django.dispatch import Signal

ticket_changed = Signal()  # kwargs: ticket_id, action, event_id
