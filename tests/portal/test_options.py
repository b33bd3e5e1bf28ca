"""The JSON lists the submission form's script fills its dependent selects from."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_districts_streets_and_a_streets_communities(client, tree):
    streets = client.get("/submit/options/regions/110105/").json()["options"]
    assert streets == [
        {"value": "110105003", "label": "安贞街道"},
        {"value": "110105019", "label": "和平街街道"},
    ]
    communities = client.get("/submit/options/regions/110105019/").json()["options"]
    assert communities == [{"value": "110105019001", "label": "胜古南社区"}]


def test_a_categorys_children(client, tree):
    children = client.get("/submit/options/categories/housing.property/").json()["options"]
    assert {option["label"] for option in children} == {"楼牌号缺失", "电梯故障"}


def test_a_withdrawn_category_is_not_offered(client, tree):
    tree["lift"].is_active = False
    tree["lift"].save()
    children = client.get("/submit/options/categories/housing.property/").json()["options"]
    assert [option["label"] for option in children] == ["楼牌号缺失"]


@pytest.mark.parametrize(
    "url",
    [
        "/submit/options/regions/999999/",
        "/submit/options/regions/110105019001/",  # a community has no children to offer
        "/submit/options/categories/no-such/",
        "/submit/options/categories/housing.property.plate/",  # a leaf
    ],
)
def test_unknown_or_leaf_parents_are_404(client, tree, url):
    assert client.get(url).status_code == 404


def test_the_lists_may_be_cached_by_the_browser(client, tree):
    assert "max-age=300" in client.get("/submit/options/regions/110105/")["Cache-Control"]


@pytest.mark.parametrize("kind", ["categories", "regions"])
def test_a_nul_in_the_code_is_a_400_not_a_server_error(client, tree, kind):
    response = client.get(f"/submit/options/{kind}/a%00b/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"error": "The code contains a NUL character."}
