"""The demo's descriptions: many per category, with the noise of real calls (no database)."""

import random
import re

from portal.demo import city_data, descriptions
from portal.demo.category_keywords import KEYWORDS

LEAVES = [leaf.code for leaf in city_data.all_leaves()]
ROADS = ("胜古中路", "樱花园东街")


def _draws(code: str, n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [
        descriptions.describe(code, rng, address=f"胜古北里{i % 30 + 1}号楼", roads=ROADS)
        for i in range(n)
    ]


def test_every_leaf_has_texts_and_keywords():
    assert set(descriptions.TEXTS) == set(LEAVES) == set(KEYWORDS)
    for code, (problems, asks) in descriptions.TEXTS.items():
        assert len(problems) >= 5 and asks, code


def test_every_leaf_gets_fifty_and_more_different_descriptions():
    for code in LEAVES:
        assert len(set(_draws(code, 200))) >= 50, code


def test_descriptions_carry_the_noise_of_real_calls():
    texts = [text for code in LEAVES for text in _draws(code, 40, seed=2)]
    share = lambda pattern: sum(bool(re.search(pattern, t)) for t in texts) / len(texts)  # noqa: E731
    assert share(r"^[^，。？！,]+$") > 0.1  # typed without punctuation
    assert share(r"(那个|就是|嗯|然后|反正|呃)") > 0.15  # fillers
    assert share(r"(啥|咋|这儿|那儿|甭|贼)") > 0.05  # Beijing speech
    assert share(r"(以经|反应|维休|投述|处里|步门|帐|安时|一值|即时)") > 0.004  # typos
    assert share(r"\d+号楼") > 0.05  # addresses
    assert share(r"(昨天|今天|晚上|早上|凌晨|点)") > 0.2  # times


def test_the_same_seed_writes_the_same_texts():
    assert _draws("heating.service.radiator", 20, seed=5) == _draws(
        "heating.service.radiator", 20, seed=5
    )


def test_a_code_without_texts_leaves_the_generator_its_samples():
    assert descriptions.describe("no.such.leaf", random.Random(1)) is None
