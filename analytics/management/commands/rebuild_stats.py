"""`python manage.py rebuild_stats [--month YYYY-MM | --days N | --all]`: recompute summaries."""

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from analytics import refresh


class Command(BaseCommand):
    help = "Recompute the analytics summary tables for a month, the last N days, or everything."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--month", help="one month, YYYY-MM")
        group.add_argument("--days", type=int, help="the last N days (and their months)")
        group.add_argument("--all", action="store_true", help="every day since the first ticket")

    def handle(self, *args, month=None, days=None, all=False, **options):
        if month:
            try:
                first = date.fromisoformat(f"{month}-01")
            except ValueError:
                raise CommandError("Give the month as YYYY-MM.") from None
            last = refresh.next_month(first) - timedelta(days=1)
            period = refresh.ticket_days(first, last)
        elif days:
            today = refresh.local_day(refresh.timezone.now())
            period = refresh.ticket_days(today - timedelta(days=days - 1), today)
        else:
            period = refresh.ticket_days()
        months = {refresh.month_of(d) for d in period}
        started = time.monotonic()
        with tqdm(total=len(period), unit="day", disable=options["verbosity"] == 0) as bar:
            refresh.rebuild(period, progress=bar.update, complete=all)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Rebuilt {len(period)} days and {len(months)} months in {elapsed:.1f} s."
        )
