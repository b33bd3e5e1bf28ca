"""Issue 18, at ten million tickets: the description search and a unit's own list.

- The trigram index of 0004 was on `description`, but Django's `icontains` filters on
  `UPPER(description)`: no search ever used it (the default list's search read every open ticket,
  0.6 s at 10 M). It is replaced by two on `upper(description)`: every ticket, and the open ones
  (see tickets/search.py).
- A unit's list (tickets with an assignment of the unit, open, by deadline) read every open
  ticket from the table to learn its id: `ticket_open_by_due (due_at, id)` answers it from the
  index alone, in deadline order.

All built concurrently: the ticket table keeps taking writes."""

from django.db import migrations, models
from django.db.models import Q

from tickets.migration_operations import AddIndexConcurrentlyOnPostgres

DESCRIPTION = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_description_search "
    "ON tickets_ticket USING gin (upper(description) gin_trgm_ops)"
)
OPEN_DESCRIPTION = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_open_description_search "
    "ON tickets_ticket USING gin (upper(description) gin_trgm_ops) WHERE status <> 'closed'"
)
FIRST = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS ticket_description_trgm "
    "ON tickets_ticket USING gin (description gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(DESCRIPTION)
    schema_editor.execute(OPEN_DESCRIPTION)
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS ticket_description_trgm")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FIRST)
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS ticket_open_description_search")
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS ticket_description_search")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [("tickets", "0018_event_transaction_id_for_the_change_feed")]

    operations = [
        migrations.RunPython(forwards, backwards),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                fields=["due_at", "id"],
                condition=~Q(status="closed"),
                name="ticket_open_by_due",
            ),
        ),
    ]
