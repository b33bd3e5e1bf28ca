"""A round trip over a real socket: an Open311 app (httpx) against a live server process
(pytest-django's live server: a threaded WSGI server listening on a port)."""

import xml.etree.ElementTree as ET

import httpx
import jsonschema
import pytest

from . import schemas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(category, city, urgency):
    """The category and city (transactional tests flush between tests)."""
    return category


def test_round_trip_discovery_services_post_and_read_back(live_server, api_key, reference_data):
    with httpx.Client(base_url=f"{live_server.url}/open311/v2", timeout=10) as http:
        discovery = http.get("/discovery.json")
        assert discovery.status_code == 200
        jsonschema.validate(discovery.json(), schemas.DISCOVERY)
        (service,) = http.get("/services.json").json()
        created = http.post(
            "/requests.json",
            data={
                "api_key": api_key,
                "service_code": service["service_code"],
                "address_string": "朝阳区和平街街道胜古南社区 胜古南里12号楼",
                "first_name": "雪贞",
                "last_name": "李",
                "phone": "13812345678",
                "description": "楼牌号缺失，外卖骑手找不到12号楼。",
            },
        )
        assert created.status_code == 201, created.text
        assert created.headers["content-type"] == "application/json; charset=utf-8"
        jsonschema.validate(created.json(), schemas.CREATED)
        number = created.json()[0]["service_request_id"]

        read = http.get(f"/requests/{number}.xml", params={"extensions": "true"})
        assert read.status_code == 200
        assert read.headers["content-type"] == "text/xml; charset=utf-8"
        root = ET.fromstring(read.content)
        assert root.find("request/service_request_id").text == number
        assert root.find("request/status").text == "open"
        assert root.find("request/notes/note/type").text == "submit"

        listed = http.get("/requests.json", params={"service_request_id": number}).json()
        jsonschema.validate(listed, schemas.REQUESTS)
        assert [item["service_request_id"] for item in listed] == [number]

        refused = http.post("/requests.json", data={"service_code": service["service_code"]})
        assert refused.status_code == 403
        jsonschema.validate(refused.json(), schemas.ERRORS)
