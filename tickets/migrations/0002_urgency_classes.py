from django.db import migrations


def load(apps, schema_editor):
    from tickets.defaults import ensure_urgency_classes

    ensure_urgency_classes(apps.get_model("tickets", "UrgencyClass"))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
