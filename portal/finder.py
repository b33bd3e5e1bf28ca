"""Finding a name by what a call-taker types: part of the name in Chinese or English, any word
of the path above it, pinyin initials ("nq" finds 暖气) or full pinyin ("nuanqi", "nuanq").

Pure: an `Index` is built from `Entry` rows and answers queries in memory. The category and
place searches (`tickets.category_finder`, `departments.place_finder`) build one each from the
database and keep it per process.

Every character of a name is read with all its readings (pypinyin's heteronyms: 朝 is chao and
zhao), so a polyphonic name is found however it is read. A typed Latin word matches when it
spells the beginnings of consecutive syllables: "nq", "nuanq", "nqi" and "nuanqi" all spell
暖气; "hpj" spells 和平街.

How well a word matches, best first (a query of several words must match each of them; its
score is the sum): the name itself (0), a name starting with the word (1, also pinyin from the
first syllable), a name containing it (2), a keyword (3), a name above it in the path (4).
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pypinyin import Style, pinyin

EQUAL, STARTS, CONTAINS, KEYWORD, PATH = 0, 1, 2, 3, 4
MAX_QUERY = 60  # characters of a query looked at
MAX_WORDS = 5


def normalise(text: str) -> str:
    """Full-width folded (NFKC), lower case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@lru_cache(maxsize=20000)
def readings(char: str) -> frozenset[str]:
    """Every pinyin reading of a Chinese character, without tones ("朝" → chao, zhao, zhu); any
    other character stands for itself."""
    if not _is_han(char):
        return frozenset({char})
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(found[0]) if found and found[0] else frozenset({char})


class Text:
    """A name prepared for matching: its normal form and the readings of each character."""

    __slots__ = ("initials", "plain", "starts", "syllables")

    def __init__(self, text: str):
        self.plain = normalise(text)
        chars = [c for c in self.plain if not c.isspace()]
        self.syllables = tuple(readings(c) for c in chars)
        starts: dict[str, list[int]] = {}
        for position, syllable in enumerate(self.syllables):
            for initial in {r[0] for r in syllable}:
                starts.setdefault(initial, []).append(position)
        self.starts = starts  # initial letter → the syllables that can begin with it
        self.initials = frozenset(starts)

    def spelled_from(self, word: str) -> int | None:
        """The first syllable from which `word` spells the beginnings of consecutive
        syllables ("nq" from 0 in 暖气), or None."""
        failed: set[tuple[int, int]] = set()
        for start in self.starts.get(word[0], ()):
            if self._spells(word, 0, start, failed):
                return start
        return None

    def _spells(self, word: str, i: int, j: int, failed: set) -> bool:
        if i == len(word):
            return True
        if j == len(self.syllables) or (i, j) in failed:
            return False
        for reading in self.syllables[j]:
            k = 0
            while k < len(reading) and i + k < len(word) and word[i + k] == reading[k]:
                k += 1
                if self._spells(word, i + k, j + 1, failed):
                    return True
        failed.add((i, j))
        return False

    def tier(self, word: str) -> int | None:
        """How well `word` (normalised, no spaces) matches this name: EQUAL, STARTS, CONTAINS
        or None."""
        if self.plain == word:
            return EQUAL
        if self.plain.startswith(word):
            return STARTS
        if word in self.plain:
            return CONTAINS
        if word.isascii() and word.isalnum() and not word.isdigit():
            start = self.spelled_from(word)
            if start is not None:
                return STARTS if start == 0 else CONTAINS
        return None


@dataclass(frozen=True)
class Entry:
    """One thing that can be found: `key` is what the search returns (an id); `names` its own
    names (Chinese, English); `path` the names above it; `keywords` other words for it;
    `short` forms of its name that may stand for it inside a longer text (和平街 for 和平街街道);
    `order` sorts entries that match equally well."""

    key: Any
    names: tuple[str, ...]
    path: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    order: tuple = field(default=())


class _Prepared:
    __slots__ = ("entry", "initials", "keywords", "names", "path", "text", "variants")

    def __init__(self, entry: Entry, text_of):
        self.entry = entry
        self.names = [text_of(n) for n in entry.names if n]
        self.keywords = [text_of(k) for k in entry.keywords if k]
        self.path = [text_of(p) for p in entry.path if p]
        texts = [*self.names, *self.keywords, *self.path]
        # For a quick "no": a word is in none of the texts and cannot spell their pinyin.
        self.text = "\x1f".join(t.plain for t in texts)
        self.initials = frozenset().union(*(t.initials for t in texts))
        variants = {normalise(n) for n in (*entry.names, *entry.short) if n}
        self.variants = sorted((v for v in variants if len(v) >= 2), key=len, reverse=True)

    def tier(self, word: str, *, paths: bool, memo: dict) -> int | None:
        if word not in self.text and word[0] not in self.initials:
            return None
        best = _best(word, self.names, memo)
        if best is not None and best <= CONTAINS:
            return best
        if _best(word, self.keywords, memo) is not None:
            return KEYWORD
        if paths and _best(word, self.path, memo) is not None:
            return PATH
        return None


def _best(word: str, texts: list[Text], memo: dict) -> int | None:
    """The best tier of `word` among `texts`; `memo` keeps each text's answer for the search
    (a street's name is in the path of each of its communities)."""
    best = None
    for text in texts:
        key = (id(text), word)
        if key not in memo:
            memo[key] = text.tier(word)
        tier = memo[key]
        if tier is not None and (best is None or tier < best):
            best = tier
    return best


def words_of(query: str) -> list[str]:
    return normalise(query[:MAX_QUERY]).split()[:MAX_WORDS]


class Index:
    """Entries to search by typing, in memory."""

    def __init__(self, entries: Iterable[Entry]):
        texts: dict[str, Text] = {}  # one Text per distinct name, shared by the entries

        def text_of(name: str) -> Text:
            found = texts.get(name)
            if found is None:
                found = texts[name] = Text(name)
            return found

        self._entries = [_Prepared(e, text_of) for e in entries]

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, *, limit: int = 10, paths: bool = True) -> list[Any]:
        """The keys of the entries matching every word of `query`, best first. `paths`: a word
        may match a name above the entry (off: only its own names and keywords)."""
        words = words_of(query)
        if not words:
            return []
        scored, memo = [], {}
        for prepared in self._entries:
            score = 0
            for word in words:
                tier = prepared.tier(word, paths=paths, memo=memo)
                if tier is None:
                    break
                score += tier
            else:
                scored.append((score, prepared.entry.order, prepared.entry.key))
        scored.sort(key=lambda row: (row[0], row[1]))
        return [key for _score, _order, key in scored[:limit]]

    def found_in(self, text: str) -> dict[Any, int]:
        """The entries one of whose names (or short forms, two characters or more) occurs in
        `text`, with the length of the longest one found: {key: length}."""
        text = normalise(text[:200])
        if not text:
            return {}
        found = {}
        for prepared in self._entries:
            for variant in prepared.variants:
                if variant in text:
                    found[prepared.entry.key] = len(variant)
                    break
        return found


_held: dict[str, tuple[str, Index]] = {}


def held_index(name: str, build) -> Index:
    """The index called `name`, built by `build()` once per process and rebuilt when the
    reference cache (`caches["reference"]`, cleared whenever a category, region, unit or rule
    is saved, and expiring after PORTAL_REFERENCE_CACHE_SECONDS) no longer holds its stamp."""
    from uuid import uuid4

    from django.core.cache import caches

    cache = caches["reference"]
    key = f"finder:{name}"
    stamp = cache.get(key)
    held = _held.get(name)
    if stamp is not None and held is not None and held[0] == stamp:
        return held[1]
    index = build()
    stamp = uuid4().hex
    cache.set(key, stamp)
    _held[name] = (stamp, index)
    return index
