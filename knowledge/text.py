"""Words of Chinese text for search: segmentation, stop words and the hotline's synonyms. Pure.

Chinese is written without spaces, so a query such as “暖气不热找谁” must be cut into words
before it can be matched. We use rjieba, the Python binding of jieba-rs: the same dictionary
and algorithm as the well-known jieba (HMM for unknown words, "search mode" that adds the short
words inside long ones: 义务教育 → 义务, 教育, 义务教育), compiled, so it loads in under
0.1 s where jieba needs about a second to build its prefix dictionary in each process.

Invariants: the same function cuts articles (`index_fields`) and queries (`query_concepts`), so
a word found in one is found in the other; tokens are lower-case and contain only word
characters (`\\w`), which PostgreSQL's text-search parser keeps whole; stop words (question
words and particles such as 怎么, 找谁, 的) never reach the index or a query.
"""

import re
from dataclasses import dataclass

import rjieba

WORD = re.compile(r"^[^\W_]+$")  # letters and digits of any script; no "_" (a LIKE wildcard)

# Question words and particles residents add to every question; they tell nothing about which
# article is meant.
_STOP_WORDS_TEXT = """
的 了 着 过 是 在 和 与 及 或 等 也 都 就 还 又 吗 呢 吧 啊 呀 哦 嘛 么 之 其 该 被 把 给 向 从 对
我 你 您 他 她 它 我们 你们 他们 咱们 自己 这 那 这个 那个 这些 那些 这里 那里 这样 那样
请问 请 问 想 想要 想问 咨询 一下 有 没有 没 能 能否 能不能 可以 可不可以 会 要 应该 需不需要
怎么 怎么办 怎么样 怎样 如何 什么 啥 哪 哪些 哪里 哪儿 哪个 为什么 为啥 多少 几 多久 是否
找 谁 找谁 部门 管 谁管 归 去 到 办 现在 目前 已经 一直 还是 但是 可是 如果
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Words residents and the articles use for the same thing. A query word brings its group's
# other words in at SYNONYM_WEIGHT; one group counts once in an article's score. Each must be
# one word for the segmenter (tests/knowledge/test_text.py checks), or it could never match.
SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "暖气 供暖 采暖 供热",
        "非京籍 外省市 随迁",
        "户口 户籍",
        "医保 医疗保险",
        "社保 社会保险",
        "居住证 暂住证",
        "入学 上学 就读 入读",
        "幼儿园 入园 托育",
        "养老金 退休金",
        "报销 结算",
        "交 缴 缴纳 缴费",
        "领 领取 申领",
        "单位 公司 企业 用人单位 老板",
        "停水 断水 没水",
        "停电 断电",
        "燃气 天然气 煤气",
        "噪音 噪声 扰民",
        "广告 牛皮癣",
        "欠薪 讨薪",
        "退费 退款",
        "驾照 驾驶证",
        "宽带 网络 网速",
        "物业 物业公司",
        "电梯 直梯",
    )
)
SYNONYM_WEIGHT = 0.8
# A single character (交, 吵, 水) says less than a word: it counts at this weight.
CHARACTER_WEIGHT = 0.5
_GROUPS_OF: dict[str, list[frozenset[str]]] = {}
for _group in SYNONYMS:
    for _word in _group:
        _GROUPS_OF.setdefault(_word, []).append(_group)


def words(text: str) -> list[str]:
    """The search words of `text`, in order, each once."""
    seen: dict[str, None] = {}
    for token in rjieba.cut_for_search(text or ""):
        token = token.strip().lower()
        if token and WORD.match(token) and token not in STOP_WORDS:
            seen.setdefault(token, None)
    return list(seen)


def keyword_phrases(keywords: str) -> list[str]:
    return [w.lower() for w in re.split(r"[\s,，、;；]+", keywords or "") if WORD.match(w)]


def joined(tokens) -> str:
    """Tokens as stored: space-separated with a space at both ends, so that " word " finds a
    whole word anywhere, on every database."""
    tokens = list(dict.fromkeys(tokens))
    return f" {' '.join(tokens)} " if tokens else ""


def index_fields(*, title: str, keywords: str, body: str) -> tuple[str, str]:
    """(search_head, search_body): the words of the title, then the keywords whole (so
    "暖气不热" typed as a keyword is a word of its own) and cut; and the words of the body.
    A word of the title that is also a keyword appears twice in the head: the search counts
    it as more central (BM25's term frequency)."""
    title_words = words(title)
    keyword_words = list(dict.fromkeys([*keyword_phrases(keywords), *words(keywords)]))
    head = [*title_words, *keyword_words]
    return (f" {' '.join(head)} " if head else ""), joined(words(body))


@dataclass(frozen=True)
class Concept:
    """One word of the query with its synonyms: {word: weight}."""

    alternatives: dict[str, float]


def _weight(word: str) -> float:
    return CHARACTER_WEIGHT if len(word) == 1 else 1.0


def query_concepts(query: str, *, limit: int = 12) -> list[Concept]:
    """The query's words, each with its synonyms (at most `limit` words)."""
    concepts = []
    for word in words(query)[:limit]:
        alternatives = {word: _weight(word)}
        for group in _GROUPS_OF.get(word, ()):
            for other in sorted(group - {word}):
                alternatives.setdefault(other, SYNONYM_WEIGHT * _weight(other))
        concepts.append(Concept(alternatives))
    return concepts


def query_phrases(query: str) -> list[tuple[str, str]]:
    """Pairs of words typed right next to each other (precise cut; a stop word or punctuation
    between them breaks the pair): "家里有燃气味" → [("燃气", "味")]. Found together in a title
    or a keyword, they mark a closer match."""
    pairs, previous = [], None
    for token in rjieba.cut(query or ""):
        token = token.strip().lower()
        if not token or not WORD.match(token) or token in STOP_WORDS:
            previous = None
            continue
        if previous is not None:
            pairs.append((previous, token))
        previous = token
    return pairs
