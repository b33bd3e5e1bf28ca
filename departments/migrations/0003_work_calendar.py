from django.db import migrations


def load(apps, schema_editor):
    from departments.holiday_data import ensure_calendar

    ensure_calendar(apps.get_model("departments", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("departments", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
