"""A trigram index for the staff search over descriptions (PostgreSQL only).

pg_trgm works on Chinese text too (each character is a word character under a UTF-8 locale):
searches of three characters or more use the index; shorter ones fall back to a scan, which the
changelist's LIMIT keeps cheap. SQLite (the demo) has no such index and scans.
"""

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
