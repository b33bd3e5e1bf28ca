"""Where the CPU of `POST /api/v1/tickets/` goes: each part switched off in turn, in one process.

Calls Django's WSGI handler directly (no server, no network besides PostgreSQL and Redis) and
reads `time.process_time()` per request: (b) the minimal insert, (c) the full create, then (c)
with one part replaced by a no-op, interleaved with its baseline (the machine's speed drifts)
and the middle two of four runs kept. Uses the database `bench/api_create.py` prepared.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_api_bench \\
        .venv/bin/python bench/api_create_parts.py [--redis redis://127.0.0.1:6379] [--requests 150]
"""

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off (settings)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--requests", type=int, default=150)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to the benchmark database (run bench/api_create.py once first).")
        return 2
    from api_create import BODY, redis_env

    os.environ.update(redis_env(args.redis))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api.settings"
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from clients import services as client_services
    from clients import throttling
    from clients.models import ApiClient
    from tickets import outbox, resident_notices
    from tickets.api.views import tickets as ticket_views
    from tickets.models import Ticket

    key = client_services.api_client_rotate_key(client=ApiClient.objects.get(name="benchmark"))
    app = WSGIHandler()
    template = json.dumps(BODY, ensure_ascii=False)

    def call(path):
        phone = f"138{random.randint(0, 999):08d}"
        body = template.replace("PHONE", phone).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/json", "HTTP_AUTHORIZATION": f"Token {key}",
            "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        }  # fmt: skip
        status = []
        b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        assert status[0].startswith("201"), status

    def cpu(path="/api/v1/tickets/"):
        start = time.process_time()
        for _ in range(args.requests):
            call(path)
        return (time.process_time() - start) / args.requests * 1000

    def middle(values):
        values = sorted(values)
        return sum(values[1:3]) / 2

    for _ in range(60):
        call("/api/v1/tickets/")
        call("/bench/insert/")
    print(f"(b) minimal insert     {middle([cpu('/bench/insert/') for _ in range(4)]):.2f} ms CPU")
    print(f"(c) full create        {middle([cpu() for _ in range(4)]):.2f} ms CPU")
    parts = {
        "enqueue (after commit)": (outbox, "enqueue", lambda ids: None),
        "notice row + enqueue": (resident_notices, "write", lambda *a: []),
        "submission row": (ticket_views, "submission_record", lambda **k: None),
        "rate counter": (throttling.KeyRateThrottle, "allow_request", lambda *a: True),
        "full_clean": (Ticket, "full_clean", lambda self, **k: None),
    }
    for name, (owner, attribute, stand_in) in parts.items():
        original = getattr(owner, attribute)
        base, without = [], []
        for _ in range(4):
            base.append(cpu())
            setattr(owner, attribute, stand_in)
            try:
                without.append(cpu())
            finally:
                setattr(owner, attribute, original)
        print(f"  {name:22s} {middle(base) - middle(without):5.2f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
