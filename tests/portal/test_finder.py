"""Finding a name by typing (portal.finder, pure): Chinese, English, pinyin initials and full
pinyin, polyphonic characters, the words of the path, keywords, ranking, names inside a text."""

import pytest

from portal.finder import EQUAL, Entry, Index, Text, normalise

ENTRIES = [
    Entry(key="leak", names=("暖气漏水", "Radiator leaking"), path=("供暖", "供暖服务")),
    Entry(
        key="cold",
        names=("暖气不热", "Radiator not warm"),
        path=("供暖", "供暖服务"),
        keywords=("暖气片凉", "上热下凉"),
    ),
    Entry(key="pipe", names=("自来水管漏水",), path=("供水", "供水服务")),
    Entry(key="lift", names=("电梯故障",), path=("住房", "物业管理"), keywords=("困人",)),
    Entry(key="chaoyang", names=("朝阳区", "Chaoyang District"), short=("朝阳",), order=(2,)),
    Entry(key="hpj", names=("和平街街道",), path=("朝阳区",), short=("和平街",), order=(3,)),
]


@pytest.fixture(scope="module")
def index():
    return Index(ENTRIES)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("nq", "leak"),  # pinyin initials: 暖气
        ("nuanqi", "leak"),  # full pinyin
        ("nuanq", "leak"),  # full, then an initial
        ("nqls", "leak"),  # 暖气漏水 by its four initials
        ("NQ", "leak"),  # capitals
        ("ｎｑ", "leak"),  # full-width letters from a Chinese input method
        ("暖气", "leak"),
        ("漏水", "leak"),
        ("dtgz", "lift"),
        ("radiator leak", "leak"),  # English words
        ("cy", "chaoyang"),  # 朝 read chao…
        ("zhaoyang", "chaoyang"),  # …or zhao: every reading counts
        ("hpj", "hpj"),
    ],
)
def test_a_name_is_found_by_chinese_english_and_pinyin(index, query, first):
    assert index.search(query)[0] == first


def test_initials_must_spell_consecutive_syllables(index):
    assert "leak" not in index.search("nls")  # 暖 … 漏水 skips 气
    assert index.search("qls") == ["leak"]  # from the second syllable: contained, found


def test_any_word_of_the_path_finds_the_leaves_under_it(index):
    assert set(index.search("供暖")) == {"leak", "cold"}
    assert set(index.search("gn")) == {"leak", "cold"}
    assert index.search("供暖", paths=False) == []


def test_several_words_must_all_match(index):
    assert index.search("供暖 漏水") == ["leak"]
    assert index.search("供水 漏水") == ["pipe"]


def test_keywords_find_an_entry_after_its_names(index):
    assert index.search("困人") == ["lift"]
    assert index.search("上热下凉") == ["cold"]


def test_better_matches_come_first(index):
    """Own name before keyword before path: 漏水 is in two names; 暖气 in two names, first by
    order; a word that starts the name beats one inside it."""
    assert index.search("漏水") == ["leak", "pipe"]
    assert index.search("水") == ["leak", "pipe"]
    found = Index(
        [Entry(key="inner", names=("老旧小区电梯",)), Entry(key="start", names=("电梯故障",))]
    ).search("电梯")
    assert found == ["start", "inner"]


def test_nothing_typed_finds_nothing(index):
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("xyzxyz") == []


def test_the_limit_is_kept(index):
    assert len(index.search("a", limit=2)) <= 2


def test_long_and_odd_input_is_harmless(index):
    assert index.search("n" * 5000) == []
    assert index.search("\x00暖气") == []
    assert index.search("a" * 40) == []


def test_names_inside_a_text_are_found_with_their_length(index):
    found = index.found_in("北京市朝阳区和平街15号院")
    assert found == {"chaoyang": 3, "hpj": 3}
    assert index.found_in("") == {}


def test_text_prepared_reads_every_character():
    text = Text("朝阳")
    assert {"chao", "zhao"} <= text.syllables[0]
    assert text.tier("朝阳") == EQUAL
    assert normalise("  Ｈｅｐｉｎｇ  Jie ") == "heping jie"
