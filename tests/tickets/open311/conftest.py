import pytest

from clients.services import api_client_create


@pytest.fixture
def api_key(db):
    _client, key = api_client_create(name="311 app", rate_limit="1000/min")
    return key


@pytest.fixture
def post_body(api_key, category, city):
    """A form-encoded POST Service Request as the spec's example sends it."""
    return {
        "api_key": api_key,
        "service_code": category.code,
        "address_string": "北京市朝阳区和平街街道胜古南社区胜古南里12号楼",
        "lat": "39.970000",
        "long": "116.420000",
        "first_name": "雪贞",
        "last_name": "李",
        "phone": "13812345678",
        "email": "li@example.com",
        "device_id": "tt222111",
        "account_id": "123456",
        "description": "楼牌号缺失，外卖骑手找不到12号楼。",
        "media_url": "https://img.example.com/plate.jpg",
    }
