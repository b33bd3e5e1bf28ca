"""What open data shows of a ticket (tickets/publication.py) and how the hotline decides it
(`services.ticket_set_publication`, the admin's "Open data" page)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tickets import events, publication, services
from tickets.exceptions import NotPermitted
from tickets.models import DescriptionPublication, Kind, Outcome, Ticket
from tickets.workflow import Status

TEXT = "我叫王建国，住3号楼2单元502室，电话13812345678，楼道灯坏了。"
SCRUBBED = "我叫[姓名]，住[门牌]，电话[电话]，楼道灯坏了。"


def ticket(**fields):
    values = {
        "status": Status.ACCEPTED,
        "kind": Kind.HELP,
        "confidential": False,
        "outcome": "",
        "description": TEXT,
        "description_publication": DescriptionPublication.DEFAULT,
        "public_summary": "",
        **fields,
    }
    return Ticket(**values)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({}, SCRUBBED),
        ({"status": Status.SUBMITTED}, ""),  # nobody at the hotline has read it yet
        ({"status": Status.DISPATCHED}, SCRUBBED),
        ({"status": Status.CLOSED, "outcome": Outcome.HANDLED}, SCRUBBED),
        ({"status": Status.CLOSED, "outcome": Outcome.INVALID}, ""),
        ({"kind": Kind.REPORT}, ""),  # 举报: protects the reporter and the reported
        ({"kind": Kind.COMPLAINT}, SCRUBBED),
        ({"confidential": True}, ""),
        ({"kind": Kind.REPORT, "description_publication": "scrubbed"}, ""),  # never its words
        ({"confidential": True, "description_publication": "scrubbed"}, ""),
        (
            {"kind": Kind.REPORT, "description_publication": "summary", "public_summary": "违建"},
            "违建",
        ),
        ({"status": Status.SUBMITTED, "description_publication": "scrubbed"}, SCRUBBED),
        ({"description_publication": "withheld"}, ""),
        (
            {"description_publication": "summary", "public_summary": "楼道灯坏了，联系人李娜。"},
            "楼道灯坏了，联系人[姓名]。",  # a summary is de-identified too
        ),
    ],
)
def test_what_open_data_shows_of_the_description(fields, shown):
    assert publication.description(ticket(**fields)) == shown


def test_every_public_event_has_a_public_note_of_its_own():
    assert set(events.PUBLIC_ACTIONS) <= set(publication.EVENT_NOTES)


@pytest.mark.django_db
class TestSettingPublication:
    def test_hotline_staff_decide_and_it_is_recorded(self, with_photos, staff):
        t = with_photos("accepted", n=2)
        _first, second = t.attachments.order_by("pk")
        for role in ("operator", "dispatcher", "supervisor"):
            services.ticket_set_publication(
                ticket_id=t.pk,
                actor=staff[role],
                description="summary",
                summary="  楼道灯坏了。 ",
                published_photos=[second.pk],
            )
        t.refresh_from_db()
        assert t.description_publication == "summary" and t.public_summary == "楼道灯坏了。"
        assert t.publication_decided_by == staff["supervisor"] and t.publication_decided_at
        assert [a.published for a in t.attachments.order_by("pk")] == [False, True]
        services.ticket_set_publication(
            ticket_id=t.pk, actor=staff["operator"], description="withheld"
        )
        assert not t.attachments.filter(published=True).exists()

    @pytest.mark.parametrize("role", ["handler", "head", "callback", "analyst"])
    def test_other_staff_may_not(self, lifecycle, staff, role):
        t = lifecycle("dispatched")
        with pytest.raises(NotPermitted):
            services.ticket_set_publication(
                ticket_id=t.pk, actor=staff[role], description="scrubbed"
            )
        t.refresh_from_db()
        assert t.description_publication == "default"

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"description": "everything"}, "description"),
            ({"description": "summary"}, "summary"),
            ({"description": "summary", "summary": "长" * 1001}, "summary"),
            ({"description": "default", "published_photos": ["x"]}, "published_photos"),
            ({"description": "scrubbed", "kind": Kind.REPORT}, "description"),
            ({"description": "scrubbed", "confidential": True}, "description"),
        ],
    )
    def test_bad_input_is_refused_whole(self, with_photos, staff, arguments, field):
        arguments = dict(arguments)
        ticket_fields = {k: arguments.pop(k) for k in ("kind", "confidential") if k in arguments}
        t = with_photos("accepted", **ticket_fields)
        with pytest.raises(ValidationError) as error:
            services.ticket_set_publication(ticket_id=t.pk, actor=staff["operator"], **arguments)
        assert field in error.value.message_dict
        t.refresh_from_db()
        assert t.description_publication == "default" and t.publication_decided_at is None

    def test_a_photo_of_another_ticket_cannot_be_published_through_this_one(
        self, with_photos, staff
    ):
        t, other = with_photos("accepted"), with_photos("accepted")
        with pytest.raises(ValidationError):
            services.ticket_set_publication(
                ticket_id=t.pk,
                actor=staff["operator"],
                description="default",
                published_photos=[other.attachments.get().pk],
            )
        assert not other.attachments.get().published


@pytest.mark.django_db
class TestTheAdminPage:
    def client_for(self, user):
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    def test_the_ticket_page_shows_what_open_data_shows(self, lifecycle, staff):
        t = lifecycle("dispatched", description=TEXT)
        page = self.client_for(staff["operator"]).get(f"/admin/tickets/ticket/{t.pk}/change/")
        assert SCRUBBED in page.text
        assert f"/admin/tickets/ticket/{t.pk}/publication/" in page.text
        handler_page = self.client_for(staff["handler"]).get(
            f"/admin/tickets/ticket/{t.pk}/change/"
        )
        assert handler_page.status_code == 200 and "/publication/" not in handler_page.text

    def test_the_hotline_replaces_the_description_with_a_summary(self, with_photos, staff):
        t = with_photos("accepted", description=TEXT)
        url = f"/admin/tickets/ticket/{t.pk}/publication/"
        client = self.client_for(staff["operator"])
        form = client.get(url)
        assert form.status_code == 200 and SCRUBBED in form.text
        response = client.post(
            url,
            {
                "description": "summary",
                "summary": "楼道灯坏了，已报修。",
                "published_photos": [t.attachments.get().pk],
            },
        )
        assert response.status_code == 302
        t.refresh_from_db()
        assert publication.description(t) == "楼道灯坏了，已报修。"
        assert t.attachments.get().published
        missing = client.post(url, {"description": "summary", "summary": ""})
        assert missing.status_code == 200 and "Write the public summary." in missing.text

    def test_units_cannot_open_the_page(self, lifecycle, staff):
        t = lifecycle("dispatched")
        url = f"/admin/tickets/ticket/{t.pk}/publication/"
        assert self.client_for(staff["handler"]).get(url).status_code == 403
        assert self.client_for(staff["other_handler"]).get(url).status_code == 404
