"""A Python client generated from our OpenAPI schema by a real generator (openapi-python-client,
run as a separate process, offline) works against a live server: create a ticket with answers
and a photo (multipart), list, read, act, and read a refusal as a problem document.

The schema is read from the live server as an integrator would (`/api/schema/`); the generated
package must be importable under the name the schema's title gives it.
"""

import importlib
import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import httpx
import pytest

from clients.services import api_client_create, staff_token_create
from tests.conftest import image_bytes
from tickets.models import CategoryAttribute, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "hotline_12345_api_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated(live_server, tmp_path, category, city, urgency):
    """The client package generated from the live server's schema, imported."""
    schema = httpx.get(
        f"{live_server.url}/api/schema/", params={"format": "json"}, timeout=30
    ).raise_for_status()
    (tmp_path / "schema.json").write_bytes(schema.content)
    (tmp_path / "config.json").write_text(json.dumps({"post_hooks": []}))
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path", str(tmp_path / "schema.json"),
            "--config", str(tmp_path / "config.json"),
            "--output-path", str(tmp_path / "client"),
            "--meta", "none",
        ],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "client" / "__init__.py").exists(), done.stdout
    # --meta none writes the package's modules straight into the output folder
    (tmp_path / "pkg").mkdir()
    (tmp_path / "client").rename(tmp_path / "pkg" / PACKAGE)
    sys.path.insert(0, str(tmp_path / "pkg"))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path / "pkg"))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_a_generated_client_submits_lists_reads_and_acts(
    generated, live_server, category, city, staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    CategoryAttribute.objects.create(
        category=category, code="building", datatype="string", required=True,
        description="楼号",
    )  # fmt: skip
    CategoryAttribute.objects.create(
        category=category, code="sides", datatype="multivaluelist", description="缺失位置",
        values=[{"key": "n", "name": "北侧"}, {"key": "s", "name": "南侧"}],
    )  # fmt: skip
    _row, client_key = api_client_create(name="city app", rate_limit="1000/min")
    _row, operator_key = staff_token_create(user=staff["operator"], name="generated client")

    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    tickets = importlib.import_module(f"{PACKAGE}.api.tickets")
    workflow = importlib.import_module(f"{PACKAGE}.api.workflow")
    assert api and tickets and workflow
    create = importlib.import_module(f"{PACKAGE}.api.tickets.tickets_create")
    listing = importlib.import_module(f"{PACKAGE}.api.tickets.tickets_list")
    retrieve = importlib.import_module(f"{PACKAGE}.api.tickets.tickets_retrieve")
    accept = importlib.import_module(f"{PACKAGE}.api.workflow.tickets_accept")
    add_note = importlib.import_module(f"{PACKAGE}.api.workflow.tickets_add_note")
    app = generated.AuthenticatedClient(base_url=live_server.url, token=client_key, prefix="Token")
    operator = generated.AuthenticatedClient(
        base_url=live_server.url, token=operator_key, prefix="Token"
    )

    form = models.TicketCreateFormRequest(
        kind=models.TicketKindEnum.HELP,
        category=category.code,
        region=city["shenggunan"].code,
        description="楼牌号缺失，外卖骑手找不到12号楼。",
        contact_name="李雪贞",
        contact_phone="13812345678",
        photos=[
            types.File(
                payload=BytesIO(image_bytes()), file_name="plate.jpg", mime_type="image/jpeg"
            )
        ],
    )
    form.additional_properties = {
        "attributes[building]": "12号楼",
        "attributes[sides][0]": "n",
        "attributes[sides][1]": "s",
    }
    created = create.sync_detailed(client=app, body=form)
    assert created.status_code == 201, created.content
    assert created.headers["RateLimit-Policy"] == '"client";q=1000;w=60'
    number = created.parsed.number
    assert created.parsed.attributes.to_dict() == {"building": "12号楼", "sides": ["n", "s"]}
    ticket = Ticket.objects.get(number=number)
    assert ticket.attachments.count() == 1

    page = listing.sync(client=app)
    assert [row.number for row in page.results] == [number]

    detail = retrieve.sync(client=app, number=number)
    assert detail.status == models.TicketStatusEnum.SUBMITTED
    assert len(detail.attachments) == 1 and detail.contact_phone == "13812345678"
    photo = httpx.get(detail.attachments[0].url, timeout=10)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"

    accepted = accept.sync(client=operator, number=number, body=models.AcceptInputRequest())
    assert accepted.status == models.TicketStatusEnum.ACCEPTED
    noted = add_note.sync(
        client=operator, number=number, body=models.TextInputRequest(text="已电话核实位置。")
    )
    assert noted.number == number

    refused = add_note.sync_detailed(
        client=operator, number=number, body=models.TextInputRequest(text="  ")
    )
    assert refused.status_code == 400
    problem = refused.parsed
    assert isinstance(problem, models.Problem) and problem.code == "invalid"
    assert [(e.field, e.code) for e in problem.errors] == [("text", "blank")]

    missing = retrieve.sync_detailed(client=app, number="NOPE")
    assert missing.status_code == 404 and missing.parsed.code == "not_found"
