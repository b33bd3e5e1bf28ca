"""Tickets through the API: create, list, retrieve, trajectory; scope, masking, filters, pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clients.models import Submission
from departments.models import Membership
from tests.conftest import image_bytes
from tests.factories import MembershipFactory
from tests.tickets.api.problems import error_fields
from tickets.models import CategoryAttribute, Notification, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def numbers(response):
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


# --- create -------------------------------------------------------------------------------


def test_client_creates_a_submitted_api_ticket_through_the_service(
    as_client, new_ticket_body, django_capture_on_commit_callbacks
):
    http, client = as_client()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = http.post("/api/v1/tickets/", new_ticket_body, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert (ticket.status, ticket.channel) == ("submitted", "api")
    assert ticket.submitted_by == client.user
    assert body["access_code"] == ticket.access_code and len(body["access_code"]) == 8
    assert Submission.objects.get(ticket=ticket).client == client
    (event,) = TicketEvent.objects.filter(ticket=ticket)
    assert event.action == "submit" and event.actor_name == "district app"
    assert Notification.objects.get(ticket=ticket).kind == "submitted"  # written with the event
    assert len(callbacks) == 2  # its delivery and ticket_changed, after commit


def test_the_detail_names_the_catalogues_suggestion(as_client, new_ticket_body, units):
    http, _client = as_client()
    number = http.post("/api/v1/tickets/", new_ticket_body, format="json").json()["number"]
    detail = http.get(f"/api/v1/tickets/{number}/").json()
    assert detail["suggested_unit"] == {"code": units["district"].code, "name": "朝阳区人民政府"}
    assert detail["lead_unit"] is None


def test_client_cannot_set_status_number_deadlines_or_assignments(
    as_client, new_ticket_body, units
):
    http, _client = as_client()
    body = {
        **new_ticket_body,
        "status": "closed",
        "number": "20200101000001",
        "due_at": "2030-01-01T00:00:00Z",
        "reply_due_at": "2030-01-01T00:00:00Z",
        "lead_unit": units["street"].code,
        "channel": "phone",
        "submitted_by": 1,
    }
    response = http.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.status == "submitted" and ticket.number != "20200101000001"
    assert ticket.lead_unit is None and ticket.reply_due_at is None
    assert ticket.channel == "api" and not ticket.assignments.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"category": "no-such"}, "category"),
        ({"category": "housing"}, "category"),  # not a leaf
        ({"region": "110000"}, "region"),  # the city: too coarse
        ({"region": 110105}, "region"),  # not a string
        ({"kind": "rant"}, "kind"),
        ({"description": ""}, "description"),
        ({"latitude": "north"}, "latitude"),
        ({"latitude": 39.9}, "longitude"),  # one without the other
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"attributes": {"floor": "3"}}, "attributes[floor]"),
        ({"attributes": "x"}, "attributes"),
    ],
)
def test_invalid_input_is_400_naming_the_field(as_client, new_ticket_body, change, field):
    http, _client = as_client()
    response = http.post("/api/v1/tickets/", {**new_ticket_body, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in error_fields(response)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("payload", ["[1, 2]", "{", '"text"', "null"])
def test_malformed_json_is_400_not_500(as_client, payload):
    http, _client = as_client()
    response = http.post("/api/v1/tickets/", payload, content_type="application/json")
    assert response.status_code == 400


def test_client_without_submit_grant_is_403(as_client, new_ticket_body):
    http, _client = as_client(actions=())
    assert http.post("/api/v1/tickets/", new_ticket_body, format="json").status_code == 403


def test_answers_to_category_questions_are_validated_and_stored(
    as_client, new_ticket_body, category
):
    CategoryAttribute.objects.create(
        category=category, code="building", datatype="string", required=True,
        description="Which building?",
    )  # fmt: skip
    CategoryAttribute.objects.create(
        category=category, code="sides", datatype="multivaluelist",
        description="Where is the plate missing?",
        values=[{"key": "n", "name": "north"}, {"key": "s", "name": "south"}],
    )  # fmt: skip
    http, _client = as_client()
    missing = http.post("/api/v1/tickets/", new_ticket_body, format="json")
    assert missing.status_code == 400 and "attributes[building]" in error_fields(missing)
    bad = {**new_ticket_body, "attributes": {"building": "12", "sides": ["n", "x"]}}
    assert "attributes[sides]" in error_fields(http.post("/api/v1/tickets/", bad, format="json"))
    good = {**new_ticket_body, "attributes": {"building": "12号楼", "sides": ["n", "s"]}}
    response = http.post("/api/v1/tickets/", good, format="json")
    assert response.status_code == 201
    assert response.json()["attributes"] == {"building": "12号楼", "sides": ["n", "s"]}


def test_photos_in_multipart_are_stored_without_metadata(
    as_client, new_ticket_body, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    http, _client = as_client()
    photo = SimpleUploadedFile("plate.jpg", image_bytes(exif_gps=True), "image/jpeg")
    response = http.post(
        "/api/v1/tickets/", {**new_ticket_body, "photos": [photo]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response["Location"] == response.json()["url"]
    (attachment,) = http.get(response.json()["url"]).json()["attachments"]
    assert attachment["content_type"] == "image/jpeg" and attachment["url"].startswith("http")
    bad = SimpleUploadedFile("plate.jpg", b"not an image", "image/jpeg")
    response = http.post(
        "/api/v1/tickets/", {**new_ticket_body, "photos": [bad]}, format="multipart"
    )
    assert response.status_code == 400 and "photos" in error_fields(response)


def test_a_multipart_form_answers_questions_as_the_errors_name_them(
    as_client, new_ticket_body, category, settings, tmp_path
):
    """`attributes[code]` in a form, as the 400 names the field; a multi-valued question by
    repeating the key, with `[]`, or with positions (what a generated client sends)."""
    settings.MEDIA_ROOT = tmp_path
    CategoryAttribute.objects.create(
        category=category, code="building", datatype="string", required=True,
        description="Which building?",
    )  # fmt: skip
    CategoryAttribute.objects.create(
        category=category, code="sides", datatype="multivaluelist",
        description="Where is the plate missing?",
        values=[{"key": "n", "name": "north"}, {"key": "s", "name": "south"}],
    )  # fmt: skip
    http, _client = as_client()
    missing = http.post("/api/v1/tickets/", new_ticket_body, format="multipart")
    assert list(error_fields(missing)) == ["attributes[building]"]
    for sides in (
        {"attributes[sides]": ["n", "s"]},
        {"attributes[sides][]": ["n", "s"]},
        {"attributes[sides][1]": "s", "attributes[sides][0]": "n"},
    ):
        photo = SimpleUploadedFile("plate.jpg", image_bytes(), "image/jpeg")
        body = {**new_ticket_body, "attributes[building]": "12号楼", **sides, "photos": [photo]}
        response = http.post("/api/v1/tickets/", body, format="multipart")
        assert response.status_code == 201, response.content
        assert response.json()["attributes"] == {"building": "12号楼", "sides": ["n", "s"]}


# --- scope --------------------------------------------------------------------------------


@pytest.fixture
def three(lifecycle, units, staff):
    """A ticket held by 和平街 (dispatched), one held by 安贞 and one not yet dispatched."""
    from tickets import services

    ours = lifecycle("dispatched")
    theirs = lifecycle("accepted")
    services.ticket_dispatch(
        ticket_id=theirs.pk, actor=staff["dispatcher"], lead=units["other_street"]
    )
    fresh = lifecycle("submitted")
    return {"ours": ours.number, "theirs": theirs.number, "fresh": fresh.number}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("operator", {"ours", "theirs", "fresh"}),
        ("dispatcher", {"ours", "theirs", "fresh"}),
        ("analyst", {"ours", "theirs", "fresh"}),
        ("handler", {"ours"}),
        ("head", {"ours"}),
        ("other_handler", {"theirs"}),
        ("district_head", {"ours", "theirs"}),
        ("bureau_handler", set()),
    ],
)
def test_each_role_lists_and_opens_exactly_its_scope(as_staff, three, role, sees):
    http = as_staff(role)
    assert numbers(http.get("/api/v1/tickets/")) == {three[k] for k in sees}
    for key, number in three.items():
        expected = 200 if key in sees else 404
        assert http.get(f"/api/v1/tickets/{number}/").status_code == expected
        assert http.get(f"/api/v1/tickets/{number}/trajectory/").status_code == expected


def test_client_sees_only_what_it_submitted(as_client, new_ticket_body, three):
    http, _client = as_client()
    other, _ = as_client(name="other app")
    mine = http.post("/api/v1/tickets/", new_ticket_body, format="json").json()["number"]
    assert numbers(http.get("/api/v1/tickets/")) == {mine}
    assert numbers(other.get("/api/v1/tickets/")) == set()
    assert other.get(f"/api/v1/tickets/{mine}/").status_code == 404
    assert http.get(f"/api/v1/tickets/{three['ours']}/").status_code == 404


def test_client_granted_a_unit_membership_also_sees_that_units_tickets(
    as_client, new_ticket_body, three, units
):
    http, client = as_client()
    mine = http.post("/api/v1/tickets/", new_ticket_body, format="json").json()["number"]
    MembershipFactory(user=client.user, department=units["street"], role=Membership.Role.HANDLER)
    assert numbers(http.get("/api/v1/tickets/")) == {mine, three["ours"]}


# --- personal data -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "name", "phone"),
    [
        ("operator", "李雪贞", "13812345678"),
        ("callback", "李雪贞", "13812345678"),
        ("handler", "李雪贞", "13812345678"),  # the lead unit's handler
        ("analyst", "李**", "138****5678"),
        ("district_head", "李**", "138****5678"),  # informed, not the lead unit
    ],
)
def test_detail_masks_the_resident_unless_the_caller_may_see_them(
    as_staff, lifecycle, role, name, phone
):
    ticket = lifecycle("dispatched")
    body = as_staff(role).get(f"/api/v1/tickets/{ticket.number}/").json()
    assert (body["contact_name"], body["contact_phone"]) == (name, phone)
    assert body["contact_masked"] is (phone != "13812345678")


def test_confidential_name_is_hidden_from_the_handling_unit(as_staff, lifecycle):
    ticket = lifecycle("dispatched", confidential=True)
    handler = as_staff("handler").get(f"/api/v1/tickets/{ticket.number}/").json()
    assert handler["contact_name"] == "" and handler["contact_phone"] == "13812345678"
    assert (
        as_staff("operator").get(f"/api/v1/tickets/{ticket.number}/").json()["contact_name"]
        == "李雪贞"
    )


def test_lists_always_mask_and_full_disclosure_is_logged(as_staff, lifecycle, staff):
    from portal.models import ContactReveal

    ticket = lifecycle("dispatched")
    http = as_staff("operator")
    (row,) = http.get("/api/v1/tickets/").json()["results"]
    assert row["contact_name"] == "李**" and "contact_phone" not in row
    assert not ContactReveal.objects.exists()
    http.get(f"/api/v1/tickets/{ticket.number}/")
    reveal = ContactReveal.objects.get()
    assert (reveal.user, reveal.ticket, reveal.phone, reveal.name) == (
        staff["operator"], ticket, True, True,
    )  # fmt: skip


# --- trajectory ----------------------------------------------------------------------------


def test_trajectory_internal_for_staff_public_only_for_the_submitting_client(
    as_client, as_staff, new_ticket_body, staff
):
    from tickets import services

    http, _client = as_client()
    number = http.post("/api/v1/tickets/", new_ticket_body, format="json").json()["number"]
    ticket = Ticket.objects.get(number=number)
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    services.ticket_add_note(ticket_id=ticket.pk, actor=staff["operator"], text="内部备注")
    staff_view = as_staff("operator").get(f"/api/v1/tickets/{number}/trajectory/").json()
    assert [e["action"] for e in staff_view] == ["submit", "accept", "add_note"]
    assert staff_view[1]["actor"] == "operator" or staff_view[1]["actor"]
    client_view = http.get(f"/api/v1/tickets/{number}/trajectory/").json()
    assert [e["action"] for e in client_view] == ["submit", "accept"]
    assert all(e["actor"] == "" for e in client_view)


# --- filters, ordering, pages --------------------------------------------------------------


def test_filters(as_staff, three, category, city):
    http = as_staff("operator")
    assert numbers(http.get("/api/v1/tickets/?status=submitted")) == {three["fresh"]}
    assert numbers(http.get("/api/v1/tickets/?status=submitted&status=dispatched")) == set(
        three.values()
    )
    assert numbers(http.get("/api/v1/tickets/?lead_unit=st-110105019")) == {three["ours"]}
    assert numbers(http.get(f"/api/v1/tickets/?category={category.parent.parent.code}")) == set(
        three.values()
    )
    assert numbers(http.get("/api/v1/tickets/?category=transport")) == set()
    assert numbers(http.get(f"/api/v1/tickets/?region={city['hepingjie'].code}")) == set(
        three.values()
    )
    assert numbers(http.get(f"/api/v1/tickets/?region={city['anzhen'].code}")) == set()
    assert numbers(http.get("/api/v1/tickets/?region=999")) == set()
    assert numbers(http.get(f"/api/v1/tickets/?number={three['ours']}")) == {three["ours"]}
    assert numbers(http.get("/api/v1/tickets/?overdue=true")) == set()
    assert numbers(http.get("/api/v1/tickets/?overdue=false")) == set(three.values())
    assert numbers(http.get("/api/v1/tickets/?channel=web&kind=help")) == set(three.values())


@pytest.mark.parametrize(
    "query", ["status=lost", "updated_after=yesterday", "submitted_after=2026-13-01"]
)
def test_invalid_filters_are_400(as_staff, query):
    assert as_staff("operator").get(f"/api/v1/tickets/?{query}").status_code == 400


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("0161-10-20T22:20:21-23:10", 200),  # an offset PostgreSQL refuses: normalised to UTC
        ("0001-01-01T00:00:00+05:00", 400),  # before year 1 in UTC
        ("9999-12-31T23:59:59-05:00", 400),  # after year 9999 in UTC
    ],
)
def test_extreme_datetimes_in_filters_never_fail(as_staff, submit, value, status):
    submit()
    response = as_staff("operator").get("/api/v1/tickets/", {"updated_after": value})
    assert response.status_code == status


def test_updated_after_gives_incremental_changes(as_staff, three, staff):
    from tickets import services

    http = as_staff("operator")
    rows = http.get("/api/v1/tickets/?ordering=updated_at").json()["results"]
    since = rows[-1]["updated_at"]
    ticket = Ticket.objects.get(number=three["fresh"])
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    changed = http.get("/api/v1/tickets/", {"updated_after": since, "ordering": "updated_at"})
    assert numbers(changed) == {three["fresh"]}


def test_cursor_pagination_walks_every_ticket_once(as_staff, submit):
    created = {submit().number for _ in range(7)}
    http = as_staff("operator")
    seen, url = [], "/api/v1/tickets/?page_size=3"
    while url:
        body = http.get(url).json()
        seen += [row["number"] for row in body["results"]]
        assert len(body["results"]) <= 3
        url = body["next"]
    assert sorted(seen) == sorted(created) and seen == sorted(seen, reverse=True)
    assert http.get("/api/v1/tickets/?cursor=garbage").status_code == 404


def test_list_query_count_does_not_grow_with_rows(as_staff, lifecycle, django_assert_num_queries):
    http = as_staff("handler")
    for rows in (1, 3):
        while Ticket.objects.count() < rows:
            lifecycle("dispatched")
        # key+user, memberships, the unit tree below the handler's unit, the page
        with django_assert_num_queries(4):
            assert len(http.get("/api/v1/tickets/").json()["results"]) == rows
    operator = as_staff("operator")
    with django_assert_num_queries(3):  # key+user, memberships, the page
        assert len(operator.get("/api/v1/tickets/").json()["results"]) == 3


def test_client_list_query_count_is_pinned(as_client, new_ticket_body, django_assert_num_queries):
    http, _client = as_client()
    for _ in range(3):
        http.post("/api/v1/tickets/", new_ticket_body, format="json")
    with django_assert_num_queries(3):  # key+user, memberships, the page
        assert len(http.get("/api/v1/tickets/").json()["results"]) == 3


def test_unknown_ticket_is_404(as_staff):
    assert as_staff("operator").get("/api/v1/tickets/00000000000000/").status_code == 404


def test_nul_characters_are_refused_not_crashing(as_client, new_ticket_body):
    http, _client = as_client()
    for change in ({"region": "110\x00"}, {"attributes": {"a": "x\x00"}}, {"address": "a\x00"}):
        response = http.post("/api/v1/tickets/", {**new_ticket_body, **change}, format="json")
        assert response.status_code == 400
    assert http.get("/api/v1/tickets/2026%00/").status_code == 404
    assert http.get("/api/v1/tickets/", {"number": "1\x00"}).status_code == 400


def test_client_sees_only_the_photos_shown_to_the_resident(
    as_client, as_staff, new_ticket_body, staff, settings, tmp_path
):
    from tickets.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    http, _client = as_client()
    photo = SimpleUploadedFile("plate.jpg", image_bytes(), "image/jpeg")
    created = http.post(
        "/api/v1/tickets/", {**new_ticket_body, "photos": [photo]}, format="multipart"
    )
    ticket = Ticket.objects.get(number=created.json()["number"])
    shown = ticket.attachments.get()
    Attachment.objects.create(
        ticket=ticket, file=shown.file.name, content_type="image/jpeg", size=1,
        public=False, created_at=shown.created_at,
    )  # fmt: skip
    assert len(http.get(created.json()["url"]).json()["attachments"]) == 1
    assert len(as_staff("operator").get(created.json()["url"]).json()["attachments"]) == 2
