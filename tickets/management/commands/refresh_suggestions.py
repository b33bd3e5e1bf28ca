"""`python manage.py refresh_suggestions`: the catalogue's current suggestion on waiting tickets."""

from django.core.management.base import BaseCommand

from tickets import services


class Command(BaseCommand):
    help = (
        "Store the dispatch catalogue's current suggestion on every ticket waiting to be "
        "dispatched (after editing the catalogue or the units, or after an upgrade)."
    )

    def handle(self, *args, **options):
        changed = services.suggestions_refresh()
        self.stdout.write(f"{changed} tickets got a new suggestion.")
