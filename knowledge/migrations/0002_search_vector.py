"""The full-text column and its GIN index (PostgreSQL only; see knowledge/search.py). SQLite
(the demo) has neither and scans the stored words."""

from django.db import migrations

from knowledge.search import CREATE_SEARCH_VECTOR as CREATE
from knowledge.search import DROP_SEARCH_VECTOR as DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_knowledge_base")]
    operations = [migrations.RunPython(create, drop)]
