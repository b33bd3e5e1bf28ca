"""`python manage.py load_demo_city [--tickets N]`: a realistic Beijing to try the portal on."""

import time

from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from analytics import refresh
from knowledge.demo.loader import load_demo_articles
from portal.demo.boundaries import load_boundaries
from portal.demo.city import load_city, write_logins
from portal.demo.generator import generate
from tickets.models import Ticket


class Command(BaseCommand):
    help = (
        "Load Beijing's districts, streets, communities, handling units, the category taxonomy, "
        "the dispatch catalogue and demo staff in every role; optionally generate N tickets with "
        "full trajectories. Safe to run again: reference data is updated, tickets are added."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=0, help="generate this many tickets")
        parser.add_argument(
            "--days", type=int, default=365, help="spread tickets over this many past days"
        )
        parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable data)")
        parser.add_argument("--chunk", type=int, default=10_000, help="tickets per transaction")
        parser.add_argument(
            "--if-empty", action="store_true", help="generate tickets only when there are none"
        )
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins")

    def handle(self, *args, tickets, days, seed, chunk, if_empty, quiet_logins, **options):
        started = time.monotonic()
        logins = load_city()
        self.stdout.write(f"Demo city loaded in {time.monotonic() - started:.1f} s.")
        self.stdout.write(f"Boundaries: {load_boundaries()} districts, streets and communities.")
        self.stdout.write(f"Knowledge base: {load_demo_articles()} demo articles added.")
        if if_empty and Ticket.objects.exists():
            self.stdout.write("Tickets exist already: none generated.")
            tickets = 0
        if tickets > 0:
            started = time.monotonic()
            with tqdm(total=tickets, unit="ticket", disable=options["verbosity"] == 0) as bar:
                written = generate(tickets, days=days, seed=seed, progress=bar.update, chunk=chunk)
            elapsed = time.monotonic() - started
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            rows = ", ".join(f"{count:,} {name}" for name, count in written.items())
            self.stdout.write(
                f"Generated {rows} in {elapsed:.1f} s ({tickets / elapsed:,.0f} tickets/s)."
            )
        self._build_statistics(rebuild=tickets > 0)
        if not quiet_logins:
            write_logins(self.stdout, logins)

    def _build_statistics(self, *, rebuild: bool) -> None:
        """The summaries behind /stats/, the dashboard's rates and the rankings, built now so the
        demo shows them from the first page (beat would take minutes). Generated tickets carry
        past times a later refresh would not look at: after generating, everything is rebuilt."""
        if not Ticket.objects.exists():
            return
        started = time.monotonic()
        if rebuild:
            days = refresh.ticket_days()
            refresh.rebuild(days, complete=True)
            count = len(days)
        else:
            count = refresh.build_all()
        self.stdout.write(
            f"Statistics built for {count} days in {time.monotonic() - started:.1f} s."
        )
