"""The category classifier: character n-grams of the caller's words, TF-IDF weighted, and a linear
support vector machine (scikit-learn's `LinearSVC`, i.e. liblinear), one class per leaf category.

Why characters: Chinese has no spaces, and a caller's words come with typos, dialect and missing
punctuation. Character unigrams and bigrams need no dictionary and no segmenter, and survive a
wrong character better than a segmenter's words do. Measured against jieba's word segmentation on
the hand-written held-out set (bench/classifier_features.py, bench/RESULTS.md), they win both in
a cold start and trained on history; the linear SVM trains ~30 times faster than logistic
regression at the same accuracy, which is what lets it learn from a million tickets.

Scores: the SVM's decision values turned into a distribution by a softmax with a temperature
fitted on the held-out tickets (one parameter, minimising their log loss, within bounds), so a
score reads as a confidence. Without held-out tickets (a cold start) a default temperature is
used.

A trained model is plain arrays (vocabulary, idf weights, coefficients, intercepts, classes):
`dumps` writes them as a compressed `.npz` and `loads` reads them back without pickle, so a
stored model neither runs code when loaded nor breaks when scikit-learn is upgraded. Predicting
needs numpy only (scikit-learn is imported for training). Pure module: no Django.
"""

import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

NGRAM_RANGE = (1, 2)
C = 0.5
DEFAULT_TEMPERATURE = 10.0
# Calibration chooses within [1, MAX_TEMPERATURE]: a history of near-identical texts (the demo's,
# or a hotline whose operators type set phrases) makes held-out tickets too easy, and the fitted
# temperature would otherwise grow until every score reads 1.0.
MAX_TEMPERATURE = 16.0
_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, every number as 0 (house numbers, dates and
    amounts say nothing about the category), punctuation and spaces dropped (callers' texts are
    typed with, without or with any punctuation)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _NOT_WORD.sub("", _DIGITS.sub("0", text))


def _counter(ngram_range):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer="char", ngram_range=tuple(ngram_range), preprocessor=normalise, dtype=np.float32
    )


@dataclass
class Classifier:
    terms: np.ndarray  # the n-grams, by feature index
    idf: np.ndarray  # float32, one per term
    weights: np.ndarray  # float32, terms × classes (the SVM's coefficients, transposed)
    intercept: np.ndarray  # float32, one per class
    classes: np.ndarray  # the category codes
    ngram_range: tuple[int, int] = NGRAM_RANGE
    temperature: float = DEFAULT_TEMPERATURE

    def __post_init__(self):
        self._vocabulary = {str(term): i for i, term in enumerate(self.terms)}
        self._index = {str(code): i for i, code in enumerate(self.classes)}

    # -- training ------------------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        ngram_range=NGRAM_RANGE,
        c: float = C,
    ) -> "Classifier":
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.svm import LinearSVC

        counter = _counter(ngram_range)
        counts = counter.fit_transform(texts)
        tfidf = TfidfTransformer(sublinear_tf=True)
        features = tfidf.fit_transform(counts)
        svm = LinearSVC(C=c, class_weight="balanced")
        svm.fit(features, list(labels))
        terms = np.empty(len(counter.vocabulary_), dtype=object)
        for term, i in counter.vocabulary_.items():
            terms[i] = term
        coef, intercept = svm.coef_, svm.intercept_
        if len(svm.classes_) == 2:  # one hyperplane for two classes: make it one per class
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        return cls(
            terms=terms.astype(str),
            idf=tfidf.idf_.astype(np.float32),
            weights=np.ascontiguousarray(coef.T, dtype=np.float32),
            intercept=intercept.astype(np.float32),
            classes=np.asarray(svm.classes_).astype(str),
            ngram_range=tuple(ngram_range),
        )

    def calibrate(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        """Fit the temperature on held-out texts: the least log loss over a grid in
        [1, MAX_TEMPERATURE]."""
        known = [
            (t, self._index[label])
            for t, label in zip(texts, labels, strict=True)
            if label in self._index
        ]
        if not known:
            return
        decisions = self.decision([t for t, _i in known])
        truth = np.array([i for _t, i in known])
        best, best_loss = self.temperature, np.inf
        for temperature in np.geomspace(1, MAX_TEMPERATURE, 25):
            logits = decisions * temperature
            logits -= logits.max(axis=1, keepdims=True)
            log_norm = np.log(np.exp(logits).sum(axis=1))
            loss = float(np.mean(log_norm - logits[np.arange(len(truth)), truth]))
            if loss < best_loss:
                best, best_loss = float(temperature), loss
        self.temperature = best

    # -- predicting ----------------------------------------------------------------------------

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's TF-IDF vector as (term indices, values), computed exactly as scikit-learn
        did in training (char n-grams of the normalised text, 1 + log tf, × idf, L2 norm), in
        plain Python and numpy: a caller's sentence costs microseconds, not a vectorizer."""
        text = normalise(text)
        counts: dict[int, int] = {}
        vocabulary = self._vocabulary
        low, high = self.ngram_range
        for n in range(low, high + 1):
            for i in range(len(text) - n + 1):
                j = vocabulary.get(text[i : i + n])
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
        indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = 1 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        values *= self.idf[indices]
        values /= np.linalg.norm(values)
        return indices, values

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """The SVM's decision values, texts × classes."""
        out = np.tile(self.intercept, (len(texts), 1))
        for row, text in enumerate(texts):
            indices, values = self.vector(text)
            if len(indices):
                out[row] += values @ self.weights[indices]
        return out

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return self._softmax(self.decision(texts))

    def _softmax(self, decisions: np.ndarray) -> np.ndarray:
        logits = decisions * self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def top(
        self, text: str, k: int = 3, *, allowed: Callable[[str], bool] | None = None
    ) -> list[tuple[str, float]]:
        """The k likeliest categories for `text` with their scores, best first; `allowed`
        passes over codes no longer offered (a category deactivated since training). Nothing
        for a text without a single known n-gram."""
        indices, values = self.vector(text)
        if not len(indices):
            return []
        scores = self._softmax((values @ self.weights[indices] + self.intercept)[np.newaxis])[0]
        found = []
        for i in np.argsort(-scores):
            code = str(self.classes[i])
            if allowed is None or allowed(code):
                found.append((code, float(scores[i])))
                if len(found) == k:
                    break
        return found

    def accuracy(self, texts: Sequence[str], labels: Sequence[str]) -> tuple[float, float]:
        """(top-1, top-3) accuracy on labelled texts."""
        if not texts:
            return 0.0, 0.0
        order = np.argsort(-self.decision(texts), axis=1)[:, :3]
        top1 = top3 = 0
        for row, label in zip(order, labels, strict=True):
            codes = [str(self.classes[i]) for i in row]
            top1 += codes[0] == label
            top3 += label in codes
        return top1 / len(labels), top3 / len(labels)

    # -- storing -------------------------------------------------------------------------------

    def dumps(self) -> bytes:
        out = io.BytesIO()
        np.savez_compressed(
            out,
            terms=self.terms.astype(str),
            idf=self.idf,
            weights=self.weights,
            intercept=self.intercept,
            classes=self.classes.astype(str),
            ngram_range=np.array(self.ngram_range, dtype=np.int8),
            temperature=np.array(self.temperature, dtype=np.float64),
        )
        return out.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> "Classifier":
        with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as arrays:
            return cls(
                terms=arrays["terms"],
                idf=arrays["idf"],
                weights=arrays["weights"],
                intercept=arrays["intercept"],
                classes=arrays["classes"],
                ngram_range=tuple(int(n) for n in arrays["ngram_range"]),
                temperature=float(arrays["temperature"]),
            )
