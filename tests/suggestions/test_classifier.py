"""The classifier itself (pure: no database)."""

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from suggestions.classifier import Classifier, normalise

TEXTS = [
    ("我家暖气片不热，摸着冰凉", "radiator"),
    ("暖气上热下凉，放了气也没用", "radiator"),
    ("卧室暖气温乎的，一点都不热", "radiator"),
    ("暖气管子漏水了，水流到楼下", "leak"),
    ("暖气阀门一直滴水，地板泡了", "leak"),
    ("楼道里暖气管爆了往外喷水", "leak"),
    ("电梯又坏了，困了人", "elevator"),
    ("电梯停运三天了，老人下不了楼", "elevator"),
    ("电梯咣当响，门关不严", "elevator"),
]


@pytest.fixture(scope="module")
def model():
    return Classifier.fit([t for t, _c in TEXTS], [c for _t, c in TEXTS])


def test_normalise_folds_width_case_numbers_and_punctuation():
    assert normalise("ＡＢＣ 12号楼，３单元！\n暖气") == "abc0号楼0单元暖气"


def test_the_vector_is_the_one_scikit_learn_trains_on(model):
    reference = TfidfVectorizer(
        analyzer="char", ngram_range=model.ngram_range, preprocessor=normalise, sublinear_tf=True
    ).fit([t for t, _c in TEXTS])
    text = "暖气片不热，楼道漏水，电梯坏了 ABC 123"
    expected = reference.transform([text]).toarray()[0]
    indices, values = model.vector(text)
    ours = np.zeros(len(model.terms))
    ours[indices] = values
    by_term = {term: ours[i] for i, term in enumerate(model.terms)}
    assert by_term == pytest.approx(
        {term: expected[i] for term, i in reference.vocabulary_.items()}, abs=1e-6
    )


def test_suggests_the_likeliest_categories_first_with_scores_summing_to_at_most_one(model):
    found = model.top("暖气片摸着冰凉不热", k=3)
    assert next(code for code, _score in found) == "radiator"
    scores = [score for _code, score in found]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1 + 1e-6


def test_categories_no_longer_offered_are_passed_over(model):
    found = model.top("暖气片不热", k=2, allowed=lambda code: code != "radiator")
    assert [code for code, _score in found] == ["leak", "elevator"]


def test_a_text_without_a_known_character_gets_no_suggestion(model):
    assert model.top("ｘｙｚ？！ 123") == []


def test_a_stored_model_suggests_exactly_as_before(model):
    again = Classifier.loads(model.dumps())
    text = "暖气漏水了"
    assert again.top(text) == model.top(text)
    assert again.temperature == model.temperature and again.ngram_range == model.ngram_range


def test_loading_never_unpickles(model):
    with pytest.raises(ValueError):
        Classifier.loads(pickle.dumps({"weights": model.weights}))


def test_accuracy_counts_top_one_and_top_three(model):
    texts = ["暖气片不热", "电梯坏了", "暖气片不热"]
    top1, top3 = model.accuracy(texts, ["radiator", "elevator", "leak"])
    assert top1 == pytest.approx(2 / 3) and top3 == 1.0


def _log_loss(model, texts, labels, temperature):
    logits = model.decision(texts) * temperature
    logits -= logits.max(axis=1, keepdims=True)
    truth = [list(model.classes).index(label) for label in labels]
    return float(np.mean(np.log(np.exp(logits).sum(axis=1)) - logits[range(len(truth)), truth]))


def test_calibration_picks_the_temperature_that_fits_held_out_texts(model):
    model = Classifier.loads(model.dumps())  # a copy: the other tests keep the default
    texts, labels = (
        ["暖气片冰凉", "电梯困人", "暖气管漏水", "暖气漏"],
        ["radiator", "elevator", "leak", "radiator"],
    )
    model.calibrate(texts, labels)
    assert 1 <= model.temperature <= 16
    chosen = _log_loss(model, texts, labels, model.temperature)
    for other in (1, 2, 4, 8, 16):
        assert chosen <= _log_loss(model, texts, labels, other) + 1e-6


def test_two_categories_are_enough():
    two = Classifier.fit(["暖气不热", "暖气冰凉", "电梯坏了", "电梯困人"], ["r", "r", "e", "e"])
    assert two.top("电梯")[0][0] == "e" and two.top("暖气")[0][0] == "r"
