"""A trigram index for the staff search over descriptions (PostgreSQL only; see
tickets/search.py). SQLite (the demo) has no such index and scans."""

from django.db import migrations

from tickets.search import CREATE_DESCRIPTION_INDEX as CREATE
from tickets.search import DROP_DESCRIPTION_INDEX as DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_reopen_requests_and_category_questions")]
    operations = [migrations.RunPython(create, drop)]
