"""`python manage.py relay_outbox`: the outbox relay process (tickets.relay)."""

import signal
import threading

from django.core.management.base import BaseCommand

from tickets import relay


class Command(BaseCommand):
    help = (
        "Run the outbox relay: hand the broker every delivery it is owed as soon as it answers, "
        "and re-enqueue deliveries overdue by OUTBOX_STALE_SECONDS. Runs until SIGTERM/SIGINT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args, once=False, **options):
        if once:
            self.stdout.write(f"{relay.relay_round()} deliveries handed off.")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        relay.run(stop)
