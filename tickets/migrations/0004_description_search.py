"""A trigram index for the staff search over descriptions (PostgreSQL only). SQLite (the demo)
has no such index and scans.

Its definition is kept here as it was: the index it builds on the bare column is never used by
the changelist's `icontains` query; migration 0019 replaces it (see tickets/search.py)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS ticket_description_trgm
    ON tickets_ticket USING gin (description gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS ticket_description_trgm;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_reopen_requests_and_category_questions")]
    operations = [migrations.RunPython(create, drop)]
