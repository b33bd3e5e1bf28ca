"""`python manage.py create_api_client NAME`: register an API client and print its key once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clients.models import CLIENT_ACTIONS
from clients.services import api_client_create


class Command(BaseCommand):
    help = "Register an API client and print its new key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--actions",
            default="submit",
            help="comma-separated allowed actions (default: submit); choices: "
            + ", ".join(value for value, _label in CLIENT_ACTIONS),
        )
        parser.add_argument("--rate", default="120/min", help="rate limit, e.g. 120/min")
        parser.add_argument("--contact", default="")
        parser.add_argument(
            "--contact-email", default="", help="told when one of its webhooks is switched off"
        )

    def handle(self, *args, name, actions, rate, contact, contact_email, **options):
        try:
            client, key = api_client_create(
                name=name,
                allowed_actions=[a.strip() for a in actions.split(",") if a.strip()],
                rate_limit=rate,
                contact=contact,
                contact_email=contact_email,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stderr.write(f"Registered API client “{client.name}” (key {client.key_prefix}…).")
        self.stderr.write(
            "Its key follows; it is stored only as a digest and cannot be shown again:"
        )
        self.stdout.write(key)
