"""Benchmark: which features and which linear model for the category suggestions, measured on
the hand-written held-out set (tests/suggestions/heldout.py), in a cold start and trained on
generated history; then the chosen classifier's learning curve and training time.

    .venv/bin/pip install jieba   # or: pip install -e '.[bench]'; without it jieba is skipped
    .venv/bin/python bench/classifier_features.py

No database: the taxonomy, keywords and texts come from the demo modules, the seed texts from
`suggestions.sources.seed_samples` on unsaved categories. Times are CPU seconds of this process
(`time.process_time`), so a busy machine slows the run but not the figures much.
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from portal.demo import city_data, descriptions  # noqa: E402
from portal.demo.category_keywords import KEYWORDS  # noqa: E402
from suggestions.classifier import Classifier, normalise  # noqa: E402
from suggestions.sources import seed_samples  # noqa: E402
from tests.suggestions.heldout import HELDOUT  # noqa: E402
from tickets.models import Category  # noqa: E402

TEXTS = [text for _code, text in HELDOUT]
CODES = [code for code, _text in HELDOUT]
ROADS = ("胜古中路", "樱花园东街", "和平街十一区", "光华路")


def demo_categories() -> list[Category]:
    leaves = []
    for code1, name1, level2 in city_data.TAXONOMY:
        top = Category(code=code1, name=name1, level=1)
        for code2, name2, level3 in level2:
            middle = Category(code=code2, name=name2, level=2, parent=top)
            for leaf in level3:
                leaves.append(
                    Category(
                        code=leaf.code,
                        name=leaf.name,
                        level=3,
                        parent=middle,
                        keywords=KEYWORDS[leaf.code],
                    )
                )
    return sorted(leaves, key=lambda leaf: leaf.code)  # as `sources.leaf_categories` orders them


def history(per_category: int | None = None, total: int | None = None, seed: int = 1):
    """Generated descriptions: `per_category` of each leaf (a capped history), or `total`
    spread with the demo generator's uneven weights."""
    rng = random.Random(seed)
    leaves = [leaf.code for leaf in city_data.all_leaves()]
    if per_category:
        codes = [code for code in leaves for _ in range(per_category)]
    else:
        weights = [rng.choice((1, 1, 2, 3, 5, 8)) for _ in leaves]
        codes = rng.choices(leaves, weights=weights, k=total)
    texts = [
        descriptions.describe(
            code, rng, address=f"{rng.choice(ROADS)}{rng.randint(1, 40)}号楼", roads=ROADS
        )
        for code in codes
    ]
    return texts, codes


def jieba_words():
    try:
        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(60)
    return lambda text: jieba.lcut(normalise(text))


def measure(vectorizer, model, texts, codes) -> tuple[float, float, float, int]:
    started = time.process_time()
    features = vectorizer.fit_transform(texts)
    model.fit(features, codes)
    seconds = time.process_time() - started
    decisions = model.decision_function(vectorizer.transform(TEXTS))
    order = np.argsort(-decisions, axis=1)[:, :3]
    classes = model.classes_
    top1 = np.mean([classes[row[0]] == code for row, code in zip(order, CODES, strict=True)])
    top3 = np.mean([code in classes[row] for row, code in zip(order, CODES, strict=True)])
    return top1, top3, seconds, features.shape[1]


def variants():
    char = lambda low, high: TfidfVectorizer(  # noqa: E731
        analyzer="char", ngram_range=(low, high), preprocessor=normalise, sublinear_tf=True
    )
    svm = lambda: LinearSVC(C=0.5, class_weight="balanced")  # noqa: E731
    found = [
        ("chars 1–2, linear SVM (chosen)", char(1, 2), svm()),
        ("chars 1–3, linear SVM", char(1, 3), svm()),
        ("chars 2–3, linear SVM", char(2, 3), svm()),
        ("chars 1–2, logistic regression", char(1, 2), LogisticRegression(C=10, max_iter=2000)),
        (
            "chars 1–2, SGD (hinge, averaged)",
            char(1, 2),
            SGDClassifier(alpha=1e-5, average=True, class_weight="balanced", random_state=0),
        ),
    ]
    words = jieba_words()
    if words is not None:
        jieba_tfidf = lambda: TfidfVectorizer(  # noqa: E731
            tokenizer=words, token_pattern=None, lowercase=False, sublinear_tf=True
        )
        found += [
            ("jieba words, linear SVM", jieba_tfidf(), svm()),
            (
                "jieba words, logistic regression",
                jieba_tfidf(),
                LogisticRegression(C=10, max_iter=2000),
            ),
        ]
    return found


def table(title, texts, codes):
    print(f"\n{title}: {len(texts):,} training texts; held-out {len(TEXTS)} hand-written texts")
    print("| features, model | top-1 | top-3 | training CPU s | features |")
    print("| --- | --- | --- | --- | --- |")
    for name, vectorizer, model in variants():
        top1, top3, seconds, n = measure(vectorizer, model, texts, codes)
        print(f"| {name} | {top1:.1%} | {top3:.1%} | {seconds:.1f} | {n:,} |", flush=True)


def main() -> int:
    if jieba_words() is None:
        print("(jieba is not installed: its rows are skipped; pip install jieba)")
    seeds = seed_samples(demo_categories())
    seed_texts, seed_codes = [t for t, _c in seeds], [c for _t, c in seeds]
    table("Cold start (category names, paths, keywords)", seed_texts, seed_codes)
    texts, codes = history(total=2_500)
    table(
        "Trained on 2,500 generated tickets (about `make run`'s closed ones) + the seed texts",
        texts + seed_texts,
        codes + seed_codes,
    )
    print("\nThe chosen classifier (suggestions.classifier.Classifier) by history per category:")
    print("| closed tickets per category | training texts | top-1 | top-3 | training CPU s |")
    print("| --- | --- | --- | --- | --- |")
    for per_category in (25, 100, 250, 500):
        texts, codes = history(per_category=per_category, seed=per_category)
        texts, codes = texts + seed_texts, codes + seed_codes
        started = time.process_time()
        model = Classifier.fit(texts, codes)
        seconds = time.process_time() - started
        top1, top3 = model.accuracy(TEXTS, CODES)
        print(
            f"| {per_category:,} | {len(texts):,} | {top1:.1%} | {top3:.1%} | {seconds:.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
