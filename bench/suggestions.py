"""Benchmark: the suggestions on a big database (issue 14; target < 30 ms server time per
request at 1,000,000 tickets), and how long training on that history takes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/load_demo.py --tickets 1000000 --database portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/suggestions.py [--runs 200] [--no-train]

First trains a classifier version on the history (`services.classifier_train`, as the nightly
task does; wall time and this process's CPU time), then posts the hand-written held-out texts
(tests/suggestions/heldout.py) to `POST /api/v1/intake/suggestions/` as an operator with a
personal token, in several shapes, and to the public variant. Server time is measured around
Django's full request handling with the test client (middleware, authentication, throttle,
view, JSON): no network. Each process checks for a newer classifier every 30 s (the default),
so steady-state requests make no query for it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
# Hundreds of requests a minute from one user and one address: lift the rate limits.
os.environ.setdefault("API_STAFF_RATE", "1000000/min")
os.environ.setdefault("SUGGESTIONS_PUBLIC_RATE", "1000000/min")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clients.services import staff_token_create  # noqa: E402
from suggestions import registry, services  # noqa: E402
from suggestions.models import ClassifierModel  # noqa: E402
from tests.suggestions.heldout import HELDOUT  # noqa: E402
from tickets.models import Ticket  # noqa: E402
from tickets.workflow import Status  # noqa: E402

URL = "/api/v1/intake/suggestions/"
PUBLIC_URL = "/api/v1/public/suggestions/"


def train() -> ClassifierModel:
    wall, cpu = time.perf_counter(), time.process_time()
    row = services.classifier_train()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"training: {wall:.1f} s wall, {cpu:.1f} s CPU of this process; "
        f"{row.history_samples:,} closed tickets read ({row.parameters['per_category']:,} per "
        f"category at most), {row.seed_samples:,} category texts, {row.features:,} features, "
        f"model {row.size / 1e6:.1f} MB; held-out top-1 {row.top1:.1%}, top-3 {row.top3:.1%} "
        f"on {row.heldout_samples:,} generated tickets"
    )
    return row


def timed(client, url, bodies, headers) -> tuple[list[float], int]:
    client.post(url, bodies[0], content_type="application/json", headers=headers)  # warm
    times = []
    for body in bodies:
        started = time.perf_counter()
        response = client.post(url, body, content_type="application/json", headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
    with CaptureQueriesContext(connection) as queries:
        client.post(url, bodies[0], content_type="application/json", headers=headers)
    return times, len(queries.captured_queries)


def report(label, times, queries):
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"| {label} | {statistics.median(times):.1f} | {p95:.1f} | {times[-1]:.1f} | {queries} |",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-train", action="store_true", help="use the stored newest version")
    args = parser.parse_args()
    total = Ticket.objects.count()
    print(f"{total:,} tickets in {connection.settings_dict['NAME']}")
    if args.no_train and ClassifierModel.objects.exists():
        row = ClassifierModel.objects.filter(is_active=True).order_by("-pk").first()
        print(f"classifier v{row.pk} (stored)")
    else:
        train()
    registry.forget()

    User = get_user_model()
    operator, handler = (
        User.objects.get(username="operator"),
        User.objects.get(username="hpj-handler"),
    )
    _row, operator_key = staff_token_create(user=operator, name="bench")
    _row, handler_key = staff_token_create(user=handler, name="bench")
    # The busiest community, and a caller with many tickets (their history and repeats).
    community = (
        Ticket.objects.exclude(community=None)
        .values("community__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["community__code"]
    )
    phone = (
        Ticket.objects.filter(status__in=[Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS])
        .exclude(contact_phone="")
        .values_list("contact_phone", flat=True)
        .first()
    )
    texts = [text for _code, text in HELDOUT]
    texts = (texts * (args.runs // len(texts) + 1))[: args.runs]
    client = Client()
    as_operator = {"Authorization": f"Token {operator_key}"}
    as_handler = {"Authorization": f"Token {handler_key}"}
    print(f"\n{args.runs} requests each; busiest community {community}; caller {phone[:3]}****")
    print("| request | median ms | p95 ms | worst ms | queries |")
    print("| --- | --- | --- | --- | --- |")
    shapes = [
        ("operator: description only (similar tickets city-wide)", URL, {}, as_operator),
        ("operator: + community", URL, {"region": community}, as_operator),
        (
            "operator: + community + caller's phone",
            URL,
            {"region": community, "phone": phone},
            as_operator,
        ),
        (
            "handler of 和平街 (scoped): + community + phone",
            URL,
            {"region": community, "phone": phone},
            as_handler,
        ),
        ("public variant (no authentication)", PUBLIC_URL, {}, {}),
    ]
    for label, url, extra, headers in shapes:
        bodies = [{"description": text, **extra} for text in texts]
        times, queries = timed(client, url, bodies, headers)
        report(label, times, queries)
    # The classifier alone, in this process:
    model = registry.current().classifier
    started = time.perf_counter()
    for text in texts:
        model.top(text)
    per_text = (time.perf_counter() - started) * 1000 / len(texts)
    print(f"\nclassifier alone: {per_text:.2f} ms per text ({len(model.terms):,} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
