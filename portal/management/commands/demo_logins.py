"""`python manage.py demo_logins`: print the demo staff accounts and their roles."""

from django.core.management.base import BaseCommand

from portal.demo.city import demo_logins, write_logins


class Command(BaseCommand):
    help = "Print the demo logins created by load_demo_city."

    def handle(self, *args, **options):
        write_logins(self.stdout, demo_logins())
