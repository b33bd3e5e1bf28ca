"""Benchmark: the residents' pages against a large database, in-process (Django's test client,
no network): the home page's figures, a tracking look-up, the ticket page, the "already
reported?" step and a complete submission with a photo.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python \\
        bench/public_pages.py [--runs 20]

Load the database first with bench/load_demo.py (it writes into portal_bench by default). The
submissions made here stay in that database.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off


def timed(runs, action):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone
    from PIL import Image

    from portal.public_stats import compute_headline
    from tickets.models import Ticket
    from tickets.workflow import Status

    setup_test_environment()  # the test client's ALLOWED_HOSTS and template instrumentation
    settings.PORTAL_RATE_LIMITS = dict.fromkeys(settings.PORTAL_RATE_LIMITS, "1000000/h")
    # as in the tests: the manifest storage needs `collectstatic`, which is beside the point here
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    tickets = Ticket.objects.count()
    if not tickets:
        print("The database has no tickets: run bench/load_demo.py first.")
        return 2

    client = Client()
    results = []

    def measure(name, action, runs=args.runs):
        median, worst = timed(runs, action)
        results.append((name, median, worst))

    def home_cold():
        cache.clear()
        assert client.get("/").status_code == 200

    measure("compute_headline (two aggregates)", lambda: compute_headline(timezone.now()))
    measure("GET / (figures not cached)", home_cold)
    measure("GET / (figures cached)", lambda: client.get("/"))

    ticket = (
        Ticket.objects.filter(status=Status.CLOSED)
        .annotate(n=Count("events"))
        .order_by("-n")
        .only("number", "access_code")
        .first()
    )
    look_up = {"number": ticket.number, "secret": ticket.access_code}
    measure("POST /track/ (look-up, redirect)", lambda: client.post("/track/", look_up))
    measure("GET /track/<n>/ (ticket page)", lambda: client.get(f"/track/{ticket.number}/"))

    busiest = (
        Ticket.objects.exclude(status=Status.CLOSED)
        .filter(community__isnull=False)
        .values(
            "community__code",
            "street__code",
            "district__code",
            "category__code",
            "category__parent__code",
            "category__parent__parent__code",
        )
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    where = {
        "kind": "complaint",
        "category_1": busiest["category__parent__parent__code"],
        "category_2": busiest["category__parent__code"],
        "category": busiest["category__code"],
        "district": busiest["district__code"],
        "street": busiest["street__code"],
        "community": busiest["community__code"],
    }
    measure(
        "POST /submit/ step 1 → 2 (already reported?)",
        lambda: client.post("/submit/", {**where, "step": "1", "_next": "1"}),
    )

    image = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 130, 140)).save(image, "JPEG", quality=90)

    def submission():
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {
            **where,
            "step": "2",
            "_submit": "1",
            "description": "基准测试：楼牌缺失。",
            "contact_phone": "13800000000",
            "consent": "on",
            "photos": [SimpleUploadedFile("p.jpg", image.getvalue(), "image/jpeg")],
        }
        assert client.post("/submit/", data).status_code == 302

    settings.MEDIA_ROOT = ROOT / "var" / "bench-media"
    measure("POST /submit/ final (1600×1200 photo)", submission, runs=max(5, args.runs // 2))

    print(f"\n{tickets:,} tickets; median and worst of {args.runs} runs (submission: fewer)")
    for name, median, worst in results:
        print(f"  {name:<46} {median:8.1f} ms  (worst {worst:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
