"""`python manage.py load_demo_city [--tickets N]`: a realistic Beijing to try the portal on."""

import os
import time

from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from analytics import refresh
from knowledge.demo.loader import load_demo_articles
from portal.demo.boundaries import load_boundaries
from portal.demo.city import load_city, write_logins
from portal.demo.generator import generate
from portal.demo.writer import writer_for_connection
from suggestions.models import ClassifierModel
from suggestions.services import classifier_train
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
        parser.add_argument(
            "--no-classifier",
            action="store_true",
            help="do not train the suggestions' classifier at the end (`train_classifier` later)",
        )
        parser.add_argument(
            "--no-statistics",
            action="store_true",
            help="do not build the statistics' summaries at the end (`rebuild_stats` later)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes generating and copying chunks at once (PostgreSQL, loads of "
            "100,000 tickets or more; default: one per core)",
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="load as a big load whatever the count: secondary indexes dropped and built "
            "again afterwards, several workers (the default from 100,000 tickets on)",
        )
        parser.add_argument(
            "--restore-indexes",
            action="store_true",
            help="only build the indexes an interrupted load dropped, then stop",
        )

    def handle(
        self, *args, tickets, days, seed, chunk, if_empty, quiet_logins, no_classifier, **options
    ):
        if options["restore_indexes"]:
            writer_for_connection().restore_slow_indexes(workers=options["workers"])
            return
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
            phases = {}
            tqdm.monitor_interval = 0  # no monitor thread: the generator's workers are forked
            with tqdm(total=tickets, unit="ticket", disable=options["verbosity"] == 0) as bar:
                written = generate(
                    tickets,
                    days=days,
                    seed=seed,
                    progress=bar.update,
                    chunk=chunk,
                    workers=options["workers"],
                    phases=phases,
                    bulk=True if options["bulk"] else None,
                )
            analyzed = time.monotonic()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            phases["analyze"] = time.monotonic() - analyzed
            elapsed = time.monotonic() - started
            rows = ", ".join(f"{count:,} {name}" for name, count in written.items())
            self.stdout.write(
                f"Generated {rows} in {elapsed:.1f} s ({tickets / elapsed:,.0f} tickets/s: "
                + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
                + ")."
            )
        if not no_classifier and (tickets > 0 or not ClassifierModel.objects.exists()):
            # The demo's suggestions: learn from the tickets just generated (a few seconds).
            started = time.monotonic()
            row = classifier_train()
            self.stdout.write(
                f"Classifier v{row.version} trained on {row.history_samples:,} closed tickets "
                f"in {time.monotonic() - started:.1f} s."
            )
        if not options["no_statistics"]:
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
