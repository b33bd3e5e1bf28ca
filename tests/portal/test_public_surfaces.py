"""End to end (issue 12 §1): texts full of personal data come in through the residents' site,
the REST API and Open311, staff work the tickets with notes full of personal data, and then
every surface an anonymous reader can reach is read back: no personal datum survives there.

Anonymous surfaces: Open311 (services, requests in JSON and XML, with the extensions, each
request, the media links), /stats/ and its open-data files, the home page, the "already
reported?" list of the form, the privacy notice. (The REST API needs a key: tested to say so.)
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from clients.services import api_client_create
from tickets import services
from tickets.models import Ticket

from ..conftest import image_bytes

pytestmark = pytest.mark.django_db

CORPUS = json.loads(
    (Path(__file__).parents[1] / "tickets" / "data" / "deidentify_corpus.json").read_text()
)
# Twelve texts with personal data: four per channel.
TEXTS = [entry for entry in CORPUS if len(entry["personal"]) >= 2][:12]

# What staff write while they work the ticket, the way they really write it.
STAFF_NOTES = {
    "accept": "来电人王建国说他住3号楼2单元502室，电话13812345678，已核实",
    "dispatch": "请联系李娜 139 1234 5678 核实，身份证110105199001011234",
    "return": "非本街道辖区，业主张秀兰住的是安贞里8号楼1201",
    "contact": "已电话联系刘强（010-6512 3456）",
    "extension": "业主陈晓明出差，要等他回来（邮箱chen.xm@example.com）",
    "note": "车牌京A·12345的车主赵敏同意挪车",
    "supervise": "督办：联系人孙丽 186-1000-2000 反映多次",
    "reply": "已联系王建国先生（13812345678），3号楼2单元502室门口楼牌已安装",
    "callback": "居民钱淑芬满意，她的QQ 123456789",
    "summary": "楼牌缺失，已安装。联系人黄小红 13612345678",
}
STAFF_PERSONAL = [
    "王建国", "3号楼2单元502室", "13812345678", "李娜", "139 1234 5678",
    "110105199001011234", "张秀兰", "8号楼1201", "刘强", "010-6512 3456", "陈晓明",
    "chen.xm@example.com", "京A·12345", "赵敏", "孙丽", "186-1000-2000", "钱淑芬", "123456789",
    "黄小红", "13612345678",
]  # fmt: skip
# What residents typed besides the description.
CONTACTS = [
    ("欧阳娜娜", "13700001111", "oyny@example.com", "胜古南里5号楼3单元601室"),
    ("司马光明", "13700002222", "smgm@example.com", "胜古南里6号楼1单元101室"),
    ("诸葛亮亮", "13700003333", "zgll@example.com", "胜古南里7号楼2单元202室"),
]
CONTACT_PERSONAL = [
    item
    for name, phone, email, address in CONTACTS
    for item in (name, name[2:], phone, email, address)
]


def photo(name):
    return SimpleUploadedFile(name, image_bytes(), "image/jpeg")


def through_the_site(tree, where, texts, contact):
    name, phone, email, address = contact
    numbers = []
    for i, entry in enumerate(texts):
        browser = Client()
        response = browser.post(
            "/submit/",
            {
                **where,
                "step": "2",
                "_submit": "1",
                "description": entry["text"],
                "address": address,
                "latitude": "39.970123",
                "longitude": "116.420456",
                "contact_name": name,
                "contact_phone": phone,
                "contact_email": email,
                "consent": "on",
                "website": "",
                "photos": [photo(f"{name}家门口{i}.jpg")],
            },
        )
        assert response.status_code == 302, response.content
        numbers.append(browser.session["portal_submission"]["number"])
    return numbers


def through_the_api(city, category, texts, contact):
    name, phone, email, address = contact
    _client, key = api_client_create(name="district app", rate_limit="1000/min")
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    numbers = []
    for i, entry in enumerate(texts):
        response = http.post(
            "/api/v1/tickets/",
            {
                "kind": "complaint",
                "category": category.code,
                "region": city["shenggunan"].code,
                "description": entry["text"],
                "address": address,
                "contact_name": name,
                "contact_phone": phone,
                "contact_email": email,
                "photos": [photo(f"{name}-{i}.jpg")],
            },
            format="multipart",
        )
        assert response.status_code == 201, response.content
        numbers.append(response.json()["number"])
    return numbers


def through_open311(category, texts, contact):
    name, phone, email, address = contact
    _client, key = api_client_create(name="311 app", rate_limit="1000/min")
    numbers = []
    for i, entry in enumerate(texts):
        response = Client().post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": category.code,
                "address_string": f"北京市朝阳区和平街街道胜古南社区{address}",
                "lat": "39.970123",
                "long": "116.420456",
                "first_name": name[2:],
                "last_name": name[:2],
                "phone": phone,
                "email": email,
                "description": entry["text"],
                "media": photo(f"{name}_{i}.jpg"),
            },
        )
        assert response.status_code == 201, response.content
        numbers.append(response.json()[0]["service_request_id"])
    return numbers


def work(ticket, staff, units):
    """The whole life of a ticket, every step carrying personal data in its free text."""
    pk = ticket.pk
    services.ticket_accept(ticket_id=pk, actor=staff["operator"], note=STAFF_NOTES["accept"])
    services.ticket_dispatch(
        ticket_id=pk, actor=staff["dispatcher"], lead=units["other_street"],
        note=STAFF_NOTES["dispatch"],
    )  # fmt: skip
    services.ticket_return(ticket_id=pk, actor=staff["other_handler"], reason=STAFF_NOTES["return"])
    services.ticket_dispatch(
        ticket_id=pk, actor=staff["dispatcher"], lead=units["street"], note=STAFF_NOTES["dispatch"]
    )
    services.ticket_sign_and_contact(
        ticket_id=pk, actor=staff["handler"], method="phone", note=STAFF_NOTES["contact"]
    )
    ticket.refresh_from_db()
    services.ticket_request_extension(
        ticket_id=pk, actor=staff["handler"], reason=STAFF_NOTES["extension"],
        reply_due_at=ticket.reply_due_at + timedelta(days=3),
    )  # fmt: skip
    services.ticket_decide_extension(ticket_id=pk, actor=staff["dispatcher"], approve=True)
    services.ticket_add_note(ticket_id=pk, actor=staff["handler"], text=STAFF_NOTES["note"])
    services.ticket_supervise(
        ticket_id=pk, actor=staff["supervisor"], instruction=STAFF_NOTES["supervise"]
    )
    services.ticket_reply(ticket_id=pk, actor=staff["handler"], text=STAFF_NOTES["reply"])
    services.ticket_record_callback(
        ticket_id=pk, actor=staff["callback"], contacted=True, solved=True,
        satisfaction="satisfied", comment=STAFF_NOTES["callback"],
    )  # fmt: skip


def read_every_public_surface(where) -> dict[str, str]:
    anonymous = Client()
    month = f"{timezone.localdate():%Y-%m}"
    pages = {}
    for fmt in ("json", "xml"):
        pages[f"services.{fmt}"] = anonymous.get(f"/open311/v2/services.{fmt}")
        for extensions in ("true", "false"):
            pages[f"requests.{fmt}?extensions={extensions}"] = anonymous.get(
                f"/open311/v2/requests.{fmt}", {"extensions": extensions, "page_size": "100"}
            )
    for ticket in Ticket.objects.all():
        for fmt in ("json", "xml"):
            pages[f"request {ticket.number}.{fmt}"] = anonymous.get(
                f"/open311/v2/requests/{ticket.number}.{fmt}", {"extensions": "true"}
            )
    pages["stats"] = anonymous.get("/stats/", {"month": month})
    pages["stats (default month)"] = anonymous.get("/stats/")
    for dataset in ("intake", "street-rates"):
        for fmt in ("csv", "json"):
            pages[f"{dataset}.{fmt}"] = anonymous.get(f"/stats/open-data/{dataset}-{month}.{fmt}")
    pages["home"] = anonymous.get("/")
    pages["privacy"] = anonymous.get("/privacy/")
    pages["already reported?"] = anonymous.post("/submit/", where)
    for key, response in pages.items():
        assert response.status_code == 200, key
    return {key: response.content.decode() for key, response in pages.items()}


def test_no_personal_datum_reaches_any_anonymous_surface(
    tree, where, staff, units, category, media_root
):
    numbers = [
        *through_the_site(tree, where, TEXTS[0:4], CONTACTS[0]),
        *through_the_api(tree, category, TEXTS[4:8], CONTACTS[1]),
        *through_open311(category, TEXTS[8:12], CONTACTS[2]),
    ]
    tickets = list(Ticket.objects.filter(number__in=numbers).order_by("pk"))
    assert len(tickets) == 12 and {t.channel for t in tickets} == {"web", "api", "open311"}
    for ticket in tickets[:9]:
        work(ticket, staff, units)
    for ticket in tickets[9:]:  # still open, at each stage
        services.ticket_accept(
            ticket_id=ticket.pk, actor=staff["operator"], note=STAFF_NOTES["accept"]
        )
    # The hotline replaces one description with a summary (with a name in it, as people write)
    # and publishes one photo; every other photo stays unpublished.
    services.ticket_set_publication(
        ticket_id=tickets[0].pk, actor=staff["operator"], description="summary",
        summary=STAFF_NOTES["summary"],
    )  # fmt: skip
    published = tickets[1].attachments.get()
    services.ticket_set_publication(
        ticket_id=tickets[1].pk, actor=staff["operator"], description="default",
        published_photos=[published.pk],
    )  # fmt: skip
    call_command("rebuild_stats", "--all", verbosity=0)

    pages = read_every_public_surface(where)

    personal = [
        *(item for entry in TEXTS for item in entry["personal"]),
        *STAFF_PERSONAL,
        *CONTACT_PERSONAL,
        *(a.original_name for t in tickets for a in t.attachments.all()),
        "39.970123",
        "116.420456",
    ]
    leaks = [(item, key) for item in personal for key, text in pages.items() if item in text]
    assert leaks == []

    # Not vacuous: the descriptions are there, de-identified, with the event types' notes.
    feed = json.loads(pages["requests.json?extensions=true"])
    assert len(feed) == 12
    descriptions = [item["description"] for item in feed if item["description"]]
    assert len(descriptions) == 12 and any("[电话]" in d for d in descriptions)
    assert any(item["description"] == "楼牌缺失，已安装。联系人[姓名] [电话]" for item in feed)
    closed = [item for item in feed if item["status"] == "closed"]
    assert len(closed) == 9 and all(item["status_notes"] for item in closed)
    # Photos: exactly the published one, through a link that works without a key.
    media = [url for item in feed for url in item["media_urls"]]
    assert len(media) == 1
    response = Client().get(media[0])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    # The REST API is no anonymous surface.
    assert APIClient().get("/api/v1/tickets/").status_code == 401
