"""The submission form: both steps, the dependent lists without JavaScript, the "already
reported?" list, the stored ticket, and every bad input coming back beside its field with what
the resident typed kept."""

import io

import pytest
from PIL import Image

from portal.views.submit import SUBMISSION_KEY
from tickets.media import MAX_BYTES
from tickets.models import Attachment, Ticket, TicketEvent

from .conftest import english_client, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return english_client()


def post_form(client, data):
    return client.post("/submit/", data)


def test_first_step_lists_the_top_levels_and_waits_for_the_rest(client, tree):
    page = client.get("/submit/").text
    assert '<option value="housing">住房</option>' in page
    assert '<option value="110105">朝阳区</option>' in page
    # the lower levels are not offered until their parent is chosen
    assert "housing.property.plate" not in page and "110105019001" not in page


def test_show_the_next_list_without_javascript_keeps_every_value(client, tree, details):
    response = post_form(
        client,
        {"step": "1", "_refresh": "district", "district": "110105", "kind": "help", **details},
    )
    page = response.text
    assert response.status_code == 200
    assert '<option value="110105019">和平街街道</option>' in page
    assert '<option value="110105003">安贞街道</option>' in page
    assert 'value="help" id="id_kind_1" required checked' in page
    # step 2's values ride along, hidden; no error is shown for what was not yet asked
    assert 'name="description" value="胜古南里12号楼楼牌缺失' in page
    assert "error-summary" not in page


def test_a_changed_parent_clears_its_stale_child(client, tree, where):
    # 安贞街道 was chosen, but the community still says 胜古南社区 (of 和平街街道)
    response = post_form(client, {**where, "street": "110105003", "step": "1", "_next": "1"})
    assert "The list has changed: choose again" in response.text
    assert '<option value="" selected>I don&#x27;t know</option>' in response.text
    assert '<option value="110105003001">安华里社区</option>' in response.text


def test_first_step_errors_are_listed_and_shown_beside_each_field(client, tree):
    response = post_form(client, {"step": "1", "_next": "1"})
    page = response.text
    assert 'class="error-summary"' in page
    for message, anchor in [
        ("Choose what you would like to do.", "#id_kind_0"),
        ("Choose the category.", "#id_category_1"),
        ("Choose the district.", "#id_district"),
    ]:
        assert f'<a href="{anchor}">{message}</a>' in page
    assert 'id="id_district_error"' in page
    assert 'aria-describedby="id_district_error"' in page
    assert 'aria-invalid="true"' in page


def test_continue_shows_step_two_with_open_tickets_of_the_same_problem_there(
    client, tree, where, lifecycle, submit
):
    open_one = lifecycle("dispatched")
    closed_one = lifecycle("closed")
    elsewhere = submit(region=tree["anhuali"])
    other_problem = submit(category=tree["lift"])
    response = post_form(client, {**where, "step": "1", "_next": "1"})
    page = response.text
    assert 'name="step" value="2"' in page
    assert open_one.number in page and "和平街街道办事处" in page
    for hidden in (closed_one, elsewhere, other_problem):
        assert hidden.number not in page
    # only public facts: never the other resident's words, address or contact
    assert "外卖骑手" not in page and "李雪贞" not in page and "13812345678" not in page


def test_a_complete_submission_is_stored_whole_and_confirmed(client, tree, final_post, media_root):
    response = client.post("/submit/", {**final_post(), "photos": [photo(), photo("b.png", "PNG")]})
    assert response.status_code == 302 and response["Location"] == "/submit/done/"
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and ticket.kind == "complaint"
    assert ticket.category == tree["plate"] and ticket.community == tree["shenggunan"]
    assert ticket.contact_phone == "13812345678"
    assert TicketEvent.objects.filter(ticket=ticket, action="submit").count() == 1
    attachments = list(Attachment.objects.filter(ticket=ticket))
    assert len(attachments) == 2
    with attachments[0].file.open("rb") as handle:
        assert not Image.open(handle).getexif()  # GPS and camera data removed

    page = client.get("/submit/done/").text
    assert ticket.number in page and ticket.access_code in page
    assert "138****5678" in page and "13812345678" not in page
    assert "24 hours" in page and "7 days" in page  # the general class's limits


def test_confirmation_needs_a_submission_from_this_browser(client, tree, lifecycle):
    lifecycle("submitted")
    response = client.get("/submit/done/")
    assert response.status_code == 302 and response["Location"] == "/submit/"


def test_anonymous_submission_keeps_no_contact(client, tree, final_post):
    response = post_form(client, final_post(anonymous="on", contact_phone=""))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.anonymous and ticket.contact_phone == "" and ticket.contact_name == ""
    page = client.get("/submit/done/").text
    assert "SMS" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"contact_phone": "12345"},
            "contact_phone",
            "Enter a mobile number (11 digits) or a landline",
        ),
        ({"contact_phone": ""}, "contact_phone", "Give a telephone number the unit can call"),
        ({"description": "   "}, "description", "Describe the problem."),
        ({"description": "长" * 4001}, "description", "within 4000 characters (it has 4001)"),
        ({"contact_email": "not-an-address"}, "contact_email", "Enter a valid e-mail address."),
        ({"latitude": "95", "longitude": "116"}, "latitude", "Out of range."),
        ({"latitude": "39.9"}, "longitude", "Give both latitude and longitude"),
        ({"latitude": "NaN", "longitude": "116.4"}, "latitude", "Enter a number."),
        ({"latitude": "39.9", "longitude": "inf"}, "longitude", "Enter a number."),
        ({"latitude": "-Infinity", "longitude": "116.4"}, "latitude", "Enter a number."),
        ({"consent": ""}, "consent", "Agree to the privacy notice to submit."),
    ],
    ids=[
        "short-phone",
        "no-phone",
        "empty",
        "overlong",
        "email",
        "latitude",
        "half-point",
        "nan",
        "inf",
        "minus-infinity",
        "consent",
    ],
)
def test_bad_details_come_back_beside_the_field_with_everything_kept(
    client, tree, final_post, overrides, field, message
):
    data = final_post(**overrides)
    response = post_form(client, data)
    page = response.text
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    assert 'name="step" value="2"' in page
    assert f'id="id_{field}_error"' in page and message in page
    assert f'href="#id_{field}">' in page  # listed in the summary, linked to the field
    # what was typed is still there
    assert "胜古南里12号楼" in page
    if field != "contact_phone":
        assert 'value="138 1234 5678"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category_1": "no-such", "category_2": "", "category": ""}, "Choose the category."),
        ({"category": "no.such.leaf"}, "Choose the problem."),
        ({"district": "999999", "street": "", "community": ""}, "Choose the district."),
        ({"community": "110105019999"}, "The list has changed: choose again"),
    ],
    ids=["unknown-category", "unknown-leaf", "unknown-district", "unknown-community"],
)
def test_unknown_category_or_region_sends_back_to_step_one(
    client, tree, final_post, overrides, message
):
    response = post_form(client, final_post(**overrides))
    assert Ticket.objects.count() == 0
    assert 'name="step" value="1"' in response.text and message in response.text
    # step 2's values are carried along for when the resident continues
    assert 'name="description" value="胜古南里12号楼' in response.text


def test_a_file_that_is_not_an_image_is_a_field_error_and_the_rest_is_kept(
    client, tree, final_post, media_root
):
    fake = photo("invoice.jpg")
    fake.file = io.BytesIO(b"%PDF-1.7 not an image at all")
    fake.size = 28
    response = client.post("/submit/", {**final_post(), "photos": [fake]})
    page = response.text
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0
    assert 'id="id_photos_error"' in page and "invoice.jpg" in page
    assert "not a JPEG, PNG or WebP image" in page
    # browsers cannot refill a file input: the summary says so
    assert "choose them again" in page
    assert "胜古南里12号楼" in page


def test_more_than_five_photos_are_refused(client, tree, final_post, media_root):
    response = client.post(
        "/submit/", {**final_post(), "photos": [photo(f"p{i}.jpg") for i in range(6)]}
    )
    assert Ticket.objects.count() == 0
    assert "Attach at most 5 photos." in response.text


def test_a_photo_over_ten_megabytes_is_refused_before_decoding(client, tree, final_post):
    big = photo("huge.jpg")
    big.file = io.BytesIO(b"\xff" * (MAX_BYTES + 1))
    big.size = MAX_BYTES + 1
    response = client.post("/submit/", {**final_post(), "photos": [big]})
    assert Ticket.objects.count() == 0
    assert "“huge.jpg” is larger than 10 MB." in response.text


def test_the_honeypot_stores_nothing(client, tree, final_post):
    response = post_form(client, final_post(website="http://spam.example"))
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    assert "could not be sent" in response.text


def test_back_from_step_two_keeps_what_was_typed(client, tree, final_post):
    data = final_post(_back="1")
    del data["_submit"]
    response = post_form(client, data)
    page = response.text
    assert 'name="step" value="1"' in page
    assert '<option value="110105019001" selected>胜古南社区</option>' in page
    assert 'name="description" value="胜古南里12号楼' in page
    assert Ticket.objects.count() == 0


def test_script_payloads_are_stored_as_typed_and_shown_as_text(client, tree, final_post):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post_form(client, final_post(description=payload, address=payload, consent=""))
    # shown back (consent missing) escaped
    assert payload not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text
    post_form(client, final_post(description=payload, address=payload))
    ticket = Ticket.objects.get()
    assert ticket.description == payload and ticket.address == payload  # stored as typed
    page = client.get(f"/track/{ticket.number}/").text
    assert payload not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_submissions_are_rate_limited_per_ip_with_a_friendly_429(
    client, tree, final_post, settings
):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "submit": "2/h"}
    for _ in range(2):
        assert post_form(client, final_post()).status_code == 302
    response = post_form(client, final_post())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please wait a moment" in response.text and "12345" in response.text
    assert Ticket.objects.count() == 2
    # another address is not affected
    other = english_client(REMOTE_ADDR="10.1.2.3")
    assert post_form(other, final_post()).status_code == 302


def test_moving_between_steps_does_not_count_against_the_limit(client, tree, where, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "submit": "1/h"}
    for _ in range(5):
        assert post_form(client, {**where, "step": "1", "_next": "1"}).status_code == 200


def test_a_post_without_the_csrf_token_is_refused_with_a_friendly_page(tree, final_post):
    client = english_client(enforce_csrf_checks=True)
    response = client.post("/submit/", final_post())
    assert response.status_code == 403
    assert "The form has expired" in response.text
    assert Ticket.objects.count() == 0


def test_the_form_carries_a_csrf_token(client, tree):
    assert 'name="csrfmiddlewaretoken"' in client.get("/submit/").text


def test_public_pages_enforce_the_content_security_policy(client, tree):
    for url in ("/", "/submit/", "/track/", "/privacy/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy


def test_public_pages_have_no_inline_script_or_style(client, tree, where):
    pages = [
        client.get("/").text,
        client.get("/submit/").text,
        post_form(client, {**where, "step": "1", "_next": "1"}).text,
        client.get("/track/").text,
    ]
    for page in pages:
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert " onclick=" not in page and " onchange=" not in page


def test_confirmation_session_holds_only_the_new_ticket(client, tree, final_post):
    post_form(client, final_post())
    assert set(client.session[SUBMISSION_KEY]) == {"number", "code"}


def test_photos_sent_with_a_stale_first_step_are_said_to_be_lost(client, tree, final_post):
    response = client.post("/submit/", {**final_post(category="no.such.leaf"), "photos": [photo()]})
    page = response.text
    assert 'name="step" value="1"' in page
    assert "choose them again" in page and 'href="#id_photos"' not in page


def test_step_two_lists_every_error_at_once_with_the_right_message(client, tree, final_post):
    """The form's own errors (consent) and the ticket service's (description, phone) come back
    together; an empty phone is asked for, not called malformed."""
    response = post_form(client, final_post(consent="", description=" ", contact_phone=""))
    page = response.text
    assert Ticket.objects.count() == 0
    for field, message in [
        ("consent", "Agree to the privacy notice to submit."),
        ("description", "Describe the problem."),
        ("contact_phone", "Give a telephone number the unit can call you on"),
    ]:
        assert f'href="#id_{field}">{message}' in page
        assert f'id="id_{field}_error"' in page
    assert "Enter a mobile number (11 digits) or a landline" not in page


def test_a_malformed_phone_and_missing_consent_are_listed_together(client, tree, final_post):
    page = post_form(client, final_post(consent="", contact_phone="12345")).text
    assert 'href="#id_consent">' in page
    assert 'href="#id_contact_phone">Enter a mobile number (11 digits) or a landline' in page
