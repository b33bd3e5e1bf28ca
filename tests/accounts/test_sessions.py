"""Staff sessions last a working day by default, or end with the browser (issue 12 §3), and
every setting of this area is read from the environment as the README's table says."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def sign_in(client, username="operator"):
    response = client.post(LOGIN, {"username": username, "password": "pw-12345-test"})
    assert response.status_code == 302
    return response.cookies[django_settings.SESSION_COOKIE_NAME]


def test_a_staff_session_lasts_a_working_day_then_asks_to_sign_in_again(client, staff, settings):
    settings.PORTAL_STAFF_SESSION_SECONDS = 9 * 3600
    cookie = sign_in(client)
    assert cookie["max-age"] == 9 * 3600
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=8, minutes=59)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timedelta(hours=9, minutes=1)):
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_session_can_end_when_the_browser_closes(client, staff, settings):
    settings.PORTAL_STAFF_SESSION_AT_BROWSER_CLOSE = True
    cookie = sign_in(client)
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.get("/admin/").status_code == 200


def settings_from_environment(**env) -> dict:
    """The settings a fresh process reads from these environment variables."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "c = settings.AXES_COOLOFF_TIME; print(json.dumps({"
        "'age': settings.PORTAL_STAFF_SESSION_SECONDS, "
        "'close': settings.PORTAL_STAFF_SESSION_AT_BROWSER_CLOSE, "
        "'limits': settings.PORTAL_LOGIN_LIMITS, 'axes_limit': settings.AXES_FAILURE_LIMIT, "
        "'cooloff': c.total_seconds() if c else None, 'handler': settings.AXES_HANDLER}))"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith("STAFF_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**keep, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_defaults_are_a_working_day_five_and_thirty_failures_and_half_an_hour():
    found = settings_from_environment()
    assert found["age"] == 9 * 3600 and found["close"] is False
    assert found["limits"] == {"account": 5, "address": 30} and found["axes_limit"] == 5
    assert found["cooloff"] == 30 * 60 and found["handler"] == "accounts.guard.LoginGuardHandler"


def test_every_value_is_read_from_the_environment():
    found = settings_from_environment(
        STAFF_SESSION_HOURS="12.5",
        STAFF_SESSION_EXPIRE_AT_BROWSER_CLOSE="true",
        STAFF_LOGIN_FAILURES_PER_ACCOUNT="3",
        STAFF_LOGIN_FAILURES_PER_ADDRESS="50",
        STAFF_LOGIN_LOCKOUT_MINUTES="0",
    )
    assert found["age"] == 45000 and found["close"] is True
    assert found["limits"] == {"account": 3, "address": 50} and found["axes_limit"] == 3
    assert found["cooloff"] is None  # locked until a supervisor unlocks


def test_residents_tracking_sessions_keep_djangos_lifetime(client, lifecycle, settings):
    """The staff lifetime is set at sign-in only: a resident's remembered look-up is not cut
    to a working day."""
    ticket = lifecycle("dispatched")
    response = client.post("/track/", {"number": ticket.number, "secret": ticket.access_code})
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE != settings.PORTAL_STAFF_SESSION_SECONDS
