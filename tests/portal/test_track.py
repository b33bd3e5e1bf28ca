"""Tracking: the look-up (number + access code or mobile), the same answer for every wrong
guess, the limits on guessing, the ticket page (trajectory, unit, deadlines, masking), rating
and the request to reopen."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tickets import services
from tickets.models import Callback, TicketEvent

from .conftest import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return english_client()


def look_up(client, number, secret):
    return client.post("/track/", {"number": number, "secret": secret})


def test_number_and_access_code_open_the_ticket_page(client, lifecycle):
    ticket = lifecycle("in_progress")
    response = look_up(client, ticket.number, ticket.access_code.lower())
    assert response.status_code == 302
    assert response["Location"] == f"/track/{ticket.number}/"
    page = client.get(response["Location"]).text
    assert ticket.number in page and "和平街街道办事处" in page


def test_number_and_the_mobile_number_given_open_it_too(client, lifecycle):
    ticket = lifecycle("accepted")
    response = look_up(client, f" {ticket.number} ", "+86 138-1234-5678")
    assert response["Location"] == f"/track/{ticket.number}/"


def test_an_anonymous_ticket_opens_only_with_its_code(client, lifecycle):
    ticket = lifecycle("submitted", anonymous=True, contact_phone="")
    assert look_up(client, ticket.number, "13812345678").status_code == 200
    assert look_up(client, ticket.number, ticket.access_code).status_code == 302


def test_unknown_number_and_wrong_code_get_the_same_answer(client, lifecycle):
    ticket = lifecycle("accepted")
    attempts = [
        (ticket.number, "ZZZZZZZZ"),  # wrong code
        (ticket.number, "13900000000"),  # someone else's mobile
        ("20990101000001", ticket.access_code),  # unknown number, a real code
        ("not a number", "whatever"),
    ]
    pages = set()
    for number, secret in attempts:
        response = look_up(client, number, secret)
        assert response.status_code == 200
        page = response.text.replace(f'value="{number}"', 'value="N"')
        page = page.replace(f'value="{secret}"', 'value="S"')
        pages.add(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page))
    assert len(pages) == 1
    assert "No ticket matches this number and access code or mobile number." in pages.pop()


def test_the_ticket_page_is_not_shown_without_a_look_up(client, lifecycle):
    ticket = lifecycle("accepted")
    response = client.get(f"/track/{ticket.number}/")
    assert response.status_code == 302
    assert response["Location"] == f"/track/?number={ticket.number}"
    # and a remembered look-up of one ticket does not open another
    other = lifecycle("accepted")
    look_up(client, ticket.number, ticket.access_code)
    assert client.get(f"/track/{other.number}/").status_code == 302


def test_a_link_with_number_and_code_looks_up_and_drops_the_code_from_the_address(
    client, lifecycle
):
    ticket = lifecycle("accepted")
    response = client.get(f"/track/?number={ticket.number}&code={ticket.access_code}")
    assert response.status_code == 302 and response["Location"] == f"/track/{ticket.number}/"


def test_wrong_codes_are_limited_per_ip_with_a_friendly_429(client, lifecycle, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "track_fail": "3/h"}
    ticket = lifecycle("accepted")
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert look_up(client, ticket.number, guess).status_code == 200
    # even the right code is refused now: guessing must not go on
    response = look_up(client, ticket.number, ticket.access_code)
    assert response.status_code == 429
    assert "Please wait a moment" in response.text and int(response["Retry-After"]) > 0
    other = english_client(REMOTE_ADDR="10.9.8.7")
    assert look_up(other, ticket.number, ticket.access_code).status_code == 302


def test_every_look_up_counts_against_the_overall_limit(client, lifecycle, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "track": "2/h"}
    ticket = lifecycle("accepted")
    for _ in range(2):
        assert look_up(client, ticket.number, ticket.access_code).status_code == 302
    assert look_up(client, ticket.number, ticket.access_code).status_code == 429


def test_the_page_shows_the_public_trajectory_and_never_staff_names(
    client, lifecycle, staff, units
):
    ticket = lifecycle("in_progress")
    services.ticket_add_note(ticket_id=ticket.pk, actor=staff["handler"], text="内部备注：难缠")
    services.ticket_supervise(ticket_id=ticket.pk, actor=staff["supervisor"], instruction="督办")
    staff["handler"].first_name = "王办事"
    staff["handler"].save()
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    for title in (
        "Received (web form)",
        "Accepted by the hotline",
        "Sent to 和平街街道办事处 to handle",
        "和平街街道办事处 took it on and contacted you",
    ):
        assert title in page
    assert "内部备注" not in page and "督办" not in page
    for user in staff.values():
        assert f">{user.username}<" not in page
    assert "王办事" not in page


def test_the_page_masks_the_residents_name_and_number(client, lifecycle):
    ticket = lifecycle("accepted")
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    assert "李**" in page and "138****5678" in page
    assert "李雪贞" not in page and "13812345678" not in page


def test_the_page_lists_each_deadline_and_whether_it_was_met(client, lifecycle):
    ticket = lifecycle("in_progress")
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    for label in (
        "Hotline acceptance",
        "Sent to the handling unit",
        "The unit contacts you",
        "The unit replies",
    ):
        assert label in page
    assert page.count("deadline-met") == 3  # accepted, dispatched, contacted on time
    assert page.count("deadline-open") == 1  # the reply is still running


def test_an_approved_extension_shows_its_reason_and_new_deadline(client, lifecycle, staff):
    ticket = lifecycle("in_progress")
    later = ticket.reply_due_at + timedelta(days=5)
    services.ticket_request_extension(
        ticket_id=ticket.pk, actor=staff["handler"], reason="需协调产权单位", reply_due_at=later
    )
    services.ticket_decide_extension(ticket_id=ticket.pk, actor=staff["dispatcher"], approve=True)
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    assert "More time granted" in page and "需协调产权单位" in page


def test_a_replied_ticket_asks_the_callback_questions(client, lifecycle):
    ticket = lifecycle("replied")
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    assert "已安装楼牌。" in page
    assert f'action="/track/{ticket.number}/rate/"' in page
    assert 'name="satisfaction" value="basically"' in page


def test_rating_records_the_callback_through_the_service(client, lifecycle):
    ticket = lifecycle("replied")
    look_up(client, ticket.number, ticket.access_code)
    response = client.post(
        f"/track/{ticket.number}/rate/",
        {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied", "comment": "谢谢"},
    )
    assert response.status_code == 302
    callback = Callback.objects.get(ticket=ticket)
    assert callback.source == Callback.Source.RESIDENT and callback.recorded_by is None
    assert (callback.valid, callback.contacted, callback.solved) == (True, True, True)
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    page = client.get(f"/track/{ticket.number}/").text
    assert "your rating is recorded" in page and "Rated: solved, satisfied" in page
    assert "Ask for the ticket to be reopened" not in page


def test_an_incomplete_rating_comes_back_with_its_errors(client, lifecycle):
    ticket = lifecycle("replied")
    look_up(client, ticket.number, ticket.access_code)
    response = client.post(f"/track/{ticket.number}/rate/", {"solved": "no", "comment": "还没好"})
    assert response.status_code == 200
    assert "Say whether the unit contacted you." in response.text
    assert "Choose how satisfied you are." in response.text
    assert 'value="no" id="id_solved_1" required checked' in response.text
    assert "还没好" in response.text
    assert Callback.objects.count() == 0


def test_not_solved_lets_the_resident_ask_for_reopening(client, lifecycle):
    ticket = lifecycle("replied")
    look_up(client, ticket.number, ticket.access_code)
    client.post(
        f"/track/{ticket.number}/rate/",
        {"contacted": "yes", "solved": "no", "satisfaction": "unsatisfied"},
    )
    page = client.get(f"/track/{ticket.number}/").text
    assert f'action="/track/{ticket.number}/reopen/"' in page
    assert client.post(f"/track/{ticket.number}/reopen/", {"reason": " "}).status_code == 200
    response = client.post(f"/track/{ticket.number}/reopen/", {"reason": "楼牌又掉了"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.reopen_requested_at is not None
    event = TicketEvent.objects.get(ticket=ticket, action="request_reopen")
    assert event.actor is None and event.note == "楼牌又掉了" and event.public
    page = client.get(f"/track/{ticket.number}/").text
    assert "Reopening requested" in page and "楼牌又掉了" in page
    assert f'action="/track/{ticket.number}/reopen/"' not in page  # asked once


def test_rating_and_reopening_need_the_look_up(client, lifecycle):
    ticket = lifecycle("replied")
    response = client.post(
        f"/track/{ticket.number}/rate/",
        {"contacted": "yes", "solved": "no", "satisfaction": "unsatisfied"},
    )
    assert response.status_code == 302 and Callback.objects.count() == 0
    assert client.post(f"/track/{ticket.number}/reopen/", {"reason": "x"}).status_code == 302


def test_rating_twice_is_refused_politely(client, lifecycle):
    ticket = lifecycle("replied")
    look_up(client, ticket.number, ticket.access_code)
    answers = {"contacted": "yes", "solved": "yes", "satisfaction": "satisfied"}
    client.post(f"/track/{ticket.number}/rate/", answers)
    response = client.post(f"/track/{ticket.number}/rate/", answers, follow=True)
    assert response.status_code == 200
    assert Callback.objects.count() == 1
    assert "is not allowed" in response.text


def test_an_anonymous_ticket_is_not_rated(client, lifecycle):
    ticket = lifecycle("replied", anonymous=True, contact_phone="")
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    assert "cannot be rated" in page and "/rate/" not in page


def test_text_from_staff_and_residents_is_shown_escaped(client, lifecycle, staff):
    ticket = lifecycle("in_progress")
    services.ticket_reply(
        ticket_id=ticket.pk, actor=staff["handler"], text="<script>alert('reply')</script>"
    )
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;reply&#x27;)&lt;/script&gt;" in page


def test_the_ticket_page_runs_a_fixed_number_of_queries(
    client, lifecycle, staff, django_assert_num_queries
):
    ticket = lifecycle("replied")
    for note in ("一", "二", "三"):
        services.ticket_add_note(ticket_id=ticket.pk, actor=staff["handler"], text=note)
    look_up(client, ticket.number, ticket.access_code)
    url = f"/track/{ticket.number}/"
    # session, ticket (with category path, places, lead unit), its photos, callback, events
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    for _ in range(5):
        services.ticket_supervise(ticket_id=ticket.pk, actor=staff["supervisor"], instruction="快")
    with django_assert_num_queries(5):
        client.get(url)


def test_an_overdue_deadline_is_shown_as_overdue(client, lifecycle, time_machine):
    ticket = lifecycle("dispatched")
    look_up(client, ticket.number, ticket.access_code)
    time_machine.move_to(ticket.response_due_at + timedelta(hours=1))
    assert timezone.now() > ticket.response_due_at
    page = client.get(f"/track/{ticket.number}/").text
    assert "deadline-overdue" in page and "overdue" in page


def test_the_rating_address_leads_back_to_the_ticket_page(client, lifecycle):
    """E.g. the language switch after a rating with errors returns to the form's address."""
    ticket = lifecycle("replied")
    look_up(client, ticket.number, ticket.access_code)
    for action in ("rate", "reopen"):
        response = client.get(f"/track/{ticket.number}/{action}/")
        assert response.status_code == 302
        assert response["Location"] == f"/track/{ticket.number}/"


def test_the_page_shows_the_resident_their_own_report_with_its_photos(
    client, lifecycle, media_root
):
    from .conftest import photo

    ticket = lifecycle("submitted", photos=[photo(), photo("b.png", "PNG")])
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").text
    assert "What you reported" in page and ticket.description in page  # in full: it is theirs
    photos = re.findall(rf'src="(/track/{ticket.number}/photos/\d+/)"', page)
    assert len(photos) == 2
    for url in photos:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("image/")


def test_the_first_deadline_is_labelled_neutrally_while_waiting_for_acceptance(lifecycle):
    ticket = lifecycle("submitted")
    chinese = Client()
    look_up(chinese, ticket.number, ticket.access_code)
    page = chinese.get(f"/track/{ticket.number}/").text
    assert "待受理" in page and "热线受理" in page and "热线已受理" not in page
