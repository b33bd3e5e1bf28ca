"""The trajectory (流转轨迹): an append-only log of everything that happened to a ticket.

It is also the change feed's log (`tickets.changes`): each event keeps the id of the transaction
that wrote it (`txid`), so readers can take events in an order that no late commit can break.
"""

from django.conf import settings
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from ..workflow import Action, Status


class AppendOnlyError(Exception):
    pass


class TicketEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("ticket events are append-only")

    def delete(self):
        raise AppendOnlyError("ticket events are append-only")


@deconstructible(path="tickets.models.event.CurrentTransactionId")
class CurrentTransactionId(models.Func):
    """The writing transaction's top-level id on PostgreSQL (`pg_current_xact_id()`, 64 bits with
    its epoch, so it never wraps), as a bigint; 0 on SQLite, whose single writer gives ids in
    commit order anyway."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return "0", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class TicketEvent(models.Model):
    """One step of a ticket's path. Written by `tickets.events.record`, never changed."""

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # covered by the (ticket, created_at) index
    )
    created_at = models.DateTimeField(_("time"), db_index=False)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    from_status = models.CharField(_("from"), max_length=16, choices=Status, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(_("by (name)"), max_length=80, blank=True)
    unit = models.ForeignKey(
        "departments.Department",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the resident"), default=False)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Set by the database on insert, never by Python (see `tickets.changes`).
    txid = models.BigIntegerField(
        _("transaction"), db_default=CurrentTransactionId(), editable=False
    )

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("trajectory event")
        verbose_name_plural = _("trajectory")
        ordering = ["ticket", "created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_time"),
            # Open311's service request updates: the public events of a time window, in order
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(public=True),
                name="event_public_time",
            ),
            # The change feed's order (tickets.changes).
            models.Index(fields=["txid", "id"], name="event_change_order"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("ticket events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ticket events are append-only")
