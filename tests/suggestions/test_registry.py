"""Each process loads the newest active version once and follows newer ones."""

import pytest

from suggestions import registry, services
from suggestions.models import ClassifierModel

pytestmark = pytest.mark.django_db


def _as_if_trained_elsewhere(row: ClassifierModel) -> ClassifierModel:
    """A newer version stored by another process: this one's loaded model is not forgotten."""
    return ClassifierModel.objects.create(
        categories=row.categories, size=row.size, data=bytes(row.data)
    )


def test_no_version_means_no_model(taxonomy):
    assert registry.current() is None


def test_a_version_is_loaded_once_and_then_read_from_memory(
    trained, settings, django_assert_num_queries
):
    settings.SUGGESTIONS_MODEL_CHECK_SECONDS = 60
    first = registry.current()
    assert first.version == trained.pk
    with django_assert_num_queries(0):
        assert registry.current() is first


def test_a_newer_version_stored_by_another_process_is_picked_up_at_the_next_check(
    trained, settings, django_assert_num_queries
):
    settings.SUGGESTIONS_MODEL_CHECK_SECONDS = 60
    assert registry.current().version == trained.pk
    newer = _as_if_trained_elsewhere(trained)
    assert registry.current().version == trained.pk  # not checked again yet
    settings.SUGGESTIONS_MODEL_CHECK_SECONDS = 0  # the interval has passed
    with django_assert_num_queries(2):  # the latest id, then the new model
        assert registry.current().version == newer.pk
    with django_assert_num_queries(1):  # the latest id only: nothing new to load
        assert registry.current().version == newer.pk


def test_switching_a_version_off_rolls_back_to_the_one_before(trained):
    newer = _as_if_trained_elsewhere(trained)
    assert registry.current().version == newer.pk
    ClassifierModel.objects.filter(pk=newer.pk).update(is_active=False)
    assert registry.current().version == trained.pk


def test_training_in_this_process_serves_the_new_version_at_once(trained, settings):
    settings.SUGGESTIONS_MODEL_CHECK_SECONDS = 60
    assert registry.current().version == trained.pk
    newer = services.classifier_train()
    assert registry.current().version == newer.pk
