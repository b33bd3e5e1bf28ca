"""`python manage.py create_staff_token USERNAME`: issue a personal API token, printed once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clients.services import staff_token_create


class Command(BaseCommand):
    help = "Issue an API token for a staff user and print it (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        token, key = staff_token_create(user=user, name=name)
        self.stderr.write(f"Token “{token.name}” for {user} (key {token.key_prefix}…):")
        self.stdout.write(key)
