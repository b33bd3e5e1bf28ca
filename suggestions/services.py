"""Training and storing a classifier version (the only writer of `ClassifierModel`; the records
of what was shown are written by `records.record`, called from `tickets.services`).

A training run reads its samples (`sources`), keeps a tenth of the history out (every tenth
ticket of each category, so each category is measured), fits the classifier on the rest plus the
categories' own texts and the knowledge base, measures top-1 and top-3 accuracy on the held-out
tickets, fits the score temperature on them, and stores the result as a new active version. The
stored model is the one measured: the held-out tickets are not folded back in afterwards. Old
versions beyond the newest `SUGGESTIONS_KEEP_VERSIONS` are deleted.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from . import registry, sources
from .classifier import NGRAM_RANGE, C, Classifier
from .models import ClassifierModel

HELDOUT_EVERY = 10  # every tenth history ticket of a category is held out


class NothingToLearn(Exception):
    """Fewer than two active leaf categories: there is nothing to tell apart."""


def classifier_train(
    *,
    per_category: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ClassifierModel:
    """Train, measure and store a new classifier version; returns its row.

    `progress(stage, done, total)` is told how far reading the history has got (per category)
    and when fitting starts and ends (for the command's progress bar)."""
    started = time.monotonic()
    per_category = per_category or settings.SUGGESTIONS_PER_CATEGORY
    categories = sources.leaf_categories()
    if len(categories) < 2:
        raise NothingToLearn("fewer than two active leaf categories")
    report = progress or (lambda stage, done, total: None)

    train_texts, train_labels, held_texts, held_labels = [], [], [], []
    done = 0

    def category_read(n: int) -> None:
        nonlocal done
        done += n
        report("history", done, len(categories))

    seen: dict[str, int] = {}
    history = 0
    for text, code in sources.history_samples(
        categories, per_category=per_category, progress=category_read
    ):
        history += 1
        seen[code] = seen.get(code, 0) + 1
        if seen[code] % HELDOUT_EVERY == 0:
            held_texts.append(text)
            held_labels.append(code)
        else:
            train_texts.append(text)
            train_labels.append(code)
    seeds = sources.seed_samples(categories)
    knowledge = sources.knowledge_samples()
    for text, code in (*seeds, *knowledge):
        train_texts.append(text)
        train_labels.append(code)

    report("fit", 0, 1)
    model = Classifier.fit(train_texts, train_labels)
    top1 = top3 = None
    if held_texts:
        top1, top3 = model.accuracy(held_texts, held_labels)
        model.calibrate(held_texts, held_labels)
    report("fit", 1, 1)

    data = model.dumps()
    with transaction.atomic():
        row = ClassifierModel.objects.create(
            history_samples=history,
            seed_samples=len(seeds),
            knowledge_samples=len(knowledge),
            categories=len(set(train_labels)),
            heldout_samples=len(held_texts),
            top1=top1,
            top3=top3,
            features=len(model.terms),
            training_seconds=round(time.monotonic() - started, 2),
            parameters={
                "ngram_range": list(NGRAM_RANGE),
                "C": C,
                "per_category": per_category,
                "temperature": round(model.temperature, 3),
            },
            size=len(data),
            data=data,
        )
        _prune()
    registry.forget()  # this process serves the new version at once; others within the check
    return row


def _prune() -> None:
    """Keep the newest SUGGESTIONS_KEEP_VERSIONS versions (the one just stored among them)."""
    keep = max(1, settings.SUGGESTIONS_KEEP_VERSIONS)
    newest = list(ClassifierModel.objects.order_by("-pk").values_list("pk", flat=True)[:keep])
    ClassifierModel.objects.exclude(pk__in=newest).delete()
