"""`Idempotency-Key` on the REST API's creating and acting POSTs (`clients.idempotency`); the
Open311 POST has its own tests beside the other Open311 ones."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from clients import idempotency
from clients.models import IdempotentRequest, Submission
from clients.services import api_client_create
from portal.models import Citizen
from tests.conftest import image_bytes
from tests.tickets.api.problems import error_fields
from tickets import participants
from tickets.models import Notification, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
TICKETS = "/api/v1/tickets/"


def post(http, path, body, key=None, fmt="json"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return http.post(path, body, format=fmt, **headers)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Ticket, TicketEvent, Submission, Citizen, Notification, IdempotentRequest)
    }


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_a_create_sent_again_with_its_key_gets_the_first_answer_and_writes_nothing(
    as_client, new_ticket_body
):
    http, _client = as_client()
    key = str(uuid.uuid4())
    first = post(http, TICKETS, new_ticket_body, key)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    before = counts()
    with CaptureQueriesContext(connection) as queries:
        again = post(http, TICKETS, new_ticket_body, key)
    assert again.status_code == 201
    assert again.json() == first.json()  # the same number and access code
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert counts() == before
    assert writes(queries.captured_queries) == []
    assert Ticket.objects.get().number == first.json()["number"]


def test_without_a_key_each_post_creates_a_ticket(as_client, new_ticket_body):
    http, _client = as_client()
    assert post(http, TICKETS, new_ticket_body).status_code == 201
    assert post(http, TICKETS, new_ticket_body).status_code == 201
    assert Ticket.objects.count() == 2


def test_the_same_key_with_a_different_body_is_422_and_creates_nothing(as_client, new_ticket_body):
    http, _client = as_client()
    assert post(http, TICKETS, new_ticket_body, "k-1").status_code == 201
    changed = {**new_ticket_body, "description": "另一个诉求：路灯不亮。"}
    response = post(http, TICKETS, changed, "k-1")
    assert response.status_code == 422, response.content
    assert "Idempotency-Key" in str(response.json())
    assert Ticket.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_422(
    as_client, new_ticket_body, lifecycle, staff, as_staff
):
    http = as_staff("handler")
    ticket = lifecycle("dispatched")
    path = f"{TICKETS}{ticket.number}/add-note/"
    assert post(http, path, {"text": "已联系物业"}, "k-2").status_code == 200
    other = lifecycle("dispatched")
    response = post(http, f"{TICKETS}{other.number}/add-note/", {"text": "已联系物业"}, "k-2")
    assert response.status_code == 422
    assert not TicketEvent.objects.filter(ticket=other, action="add_note").exists()


def test_keys_belong_to_one_caller(as_client, new_ticket_body):
    first, _ = as_client(name="app one")
    second, _ = as_client(name="app two")
    a = post(first, TICKETS, new_ticket_body, "shared")
    b = post(second, TICKETS, new_ticket_body, "shared")
    assert a.status_code == b.status_code == 201
    assert a.json()["number"] != b.json()["number"]


def test_a_refused_request_stores_nothing_so_the_corrected_one_runs(as_client, new_ticket_body):
    http, _client = as_client()
    refused = post(http, TICKETS, {**new_ticket_body, "region": "nowhere"}, "k-3")
    assert refused.status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert post(http, TICKETS, new_ticket_body, "k-3").status_code == 201


def test_a_key_is_remembered_for_24_hours_then_forgotten(as_client, new_ticket_body):
    http, _client = as_client()
    first = post(http, TICKETS, new_ticket_body, "k-4")
    with time_machine.travel(timedelta(hours=23, minutes=59)):
        assert post(http, TICKETS, new_ticket_body, "k-4").json() == first.json()
    with time_machine.travel(timedelta(hours=24, minutes=1)):
        later = post(http, TICKETS, new_ticket_body, "k-4")
    assert later.status_code == 201 and later.json()["number"] != first.json()["number"]
    assert Ticket.objects.count() == 2


def test_the_sweep_deletes_records_past_the_window(as_client, new_ticket_body):
    http, _client = as_client()
    post(http, TICKETS, new_ticket_body, "old")
    with time_machine.travel(timedelta(hours=25)):
        post(http, TICKETS, new_ticket_body, "new")
        assert idempotency.expire() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.parametrize(
    ("header", "status"),
    [("", 400), ("x" * 256, 400), ("键", 400), ('"8e03978e-40d5-43e8"', 201), ("a" * 255, 201)],
)
def test_key_syntax(as_client, new_ticket_body, header, status):
    http, _client = as_client()
    response = post(http, TICKETS, new_ticket_body, header)
    assert response.status_code == status, response.content
    if status == 400:
        assert "Idempotency-Key" in error_fields(response)
        assert not Ticket.objects.exists()


def test_the_quoted_and_the_bare_form_are_one_key(as_client, new_ticket_body):
    http, _client = as_client()
    first = post(http, TICKETS, new_ticket_body, '"abc-1"')
    again = post(http, TICKETS, new_ticket_body, "abc-1")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()


def test_a_multipart_create_with_a_photo_is_recognised_by_content_not_boundary(
    as_client, new_ticket_body, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    http, _client = as_client()

    def body(photo: bytes):
        return {**new_ticket_body, "photos": [SimpleUploadedFile("p.jpg", photo, "image/jpeg")]}

    first = post(http, TICKETS, body(image_bytes()), "k-5", fmt="multipart")
    assert first.status_code == 201, first.content
    again = post(http, TICKETS, body(image_bytes()), "k-5", fmt="multipart")
    assert again.status_code == 201 and again.json() == first.json()
    other = post(http, TICKETS, body(image_bytes(size=(41, 30))), "k-5", fmt="multipart")
    assert other.status_code == 422
    assert Ticket.objects.count() == 1


def test_an_action_sent_again_is_taken_once_and_answers_as_the_first_time(
    lifecycle, staff, as_staff
):
    http = as_staff("handler")
    ticket = lifecycle("in_progress")
    path = f"{TICKETS}{ticket.number}/reply/"
    first = post(http, path, {"text": "已安装楼牌。"}, "reply-1")
    assert first.status_code == 200, first.content
    again = post(http, path, {"text": "已安装楼牌。"}, "reply-1")
    assert again.status_code == 200  # not 409: the reply was taken, by the first request
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert TicketEvent.objects.filter(ticket=ticket, action="reply").count() == 1
    # Without the key the same request is a new one, refused in the new status.
    assert post(http, path, {"text": "已安装楼牌。"}).status_code == 409


def test_an_action_that_changes_no_status_is_not_repeated(lifecycle, staff, as_staff):
    http = as_staff("handler")
    ticket = lifecycle("dispatched")
    path = f"{TICKETS}{ticket.number}/add-note/"
    for _ in range(3):
        assert post(http, path, {"text": "已联系物业"}, "note-1").status_code == 200
    assert TicketEvent.objects.filter(ticket=ticket, action="add_note").count() == 1


def test_the_stored_answer_is_the_one_given_at_the_time(lifecycle, staff, as_staff):
    """The detail in the replay is the ticket as it was after the keyed action, not now."""
    http = as_staff("handler")
    ticket = lifecycle("dispatched")
    path = f"{TICKETS}{ticket.number}/sign-and-contact/"
    first = post(http, path, {"method": "phone"}, "sign-1")
    post(http, f"{TICKETS}{ticket.number}/reply/", {"text": "已处理。"})
    again = post(http, path, {"method": "phone"}, "sign-1")
    assert again.json()["status"] == first.json()["status"] == "in_progress"


# ---------------------------------------------------------------------------------------------
# Two requests with one key at the same moment (PostgreSQL, two real connections).


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _in_thread(name, call, results):
    def target():
        try:
            results[name] = call()
        except Exception as error:  # collected for the assertions
            results[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread


def _race(monkeypatch, call):
    """Run `call` in two threads: the first is held inside its transaction, after storing its
    answer, until the second is waiting on a lock behind it; then both finish."""
    inside, release = threading.Event(), threading.Event()
    run = participants.run

    def held(ticket, event):
        run(ticket, event)
        if threading.current_thread().name == "first":
            inside.set()
            assert release.wait(20)

    monkeypatch.setattr(participants, "run", held)
    results = {}
    first = _in_thread("first", call, results)
    assert inside.wait(20)
    second = _in_thread("second", call, results)
    deadline = time.monotonic() + 20
    while not _waiting_on_a_lock():
        assert time.monotonic() < deadline, "the second request never waited for the first"
        time.sleep(0.02)
    release.set()
    first.join(20)
    second.join(20)
    return results["first"], results["second"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_creates_at_once_with_one_key_make_one_ticket_and_give_one_answer(
    monkeypatch, city, category
):
    _client, api_key = api_client_create(name="racing app", rate_limit="1000/min")
    body = {
        "kind": "help",
        "category": category.code,
        "region": city["shenggunan"].code,
        "description": "楼牌号缺失。",
        "contact_phone": "13812345678",
    }

    def create():
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
        return post(http, TICKETS, body, "same-key")

    first, second = _race(monkeypatch, create)
    assert first.status_code == second.status_code == 201, (first.content, second.content)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1 and Submission.objects.count() == 1
    assert TicketEvent.objects.count() == 1 and IdempotentRequest.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("endpoint", "body", "action"),
    [("add-note", {"text": "已联系物业"}, "add_note"), ("reply", {"text": "已处理。"}, "reply")],
)
def test_two_actions_at_once_with_one_key_are_taken_once(
    monkeypatch, lifecycle, staff, endpoint, body, action
):
    from clients.services import staff_token_create

    ticket = lifecycle("in_progress")
    _token, key = staff_token_create(user=staff["handler"], name="race")

    def act():
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return post(http, f"{TICKETS}{ticket.number}/{endpoint}/", body, "act-once")

    first, second = _race(monkeypatch, act)
    assert first.status_code == second.status_code == 200, (first.content, second.content)
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert TicketEvent.objects.filter(ticket=ticket, action=action).count() == 1
