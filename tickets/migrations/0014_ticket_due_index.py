"""The list sorted by deadline over every status (issue 18), built concurrently."""

from django.db import migrations, models

from tickets.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("tickets", "0013_category_keywords"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(fields=["due_at"], name="ticket_due"),
        ),
    ]
