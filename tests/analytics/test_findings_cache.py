"""Findings computed from the summaries are cached until the summaries are next replaced, and
the refresh task computes them itself (issue 18: at ten million tickets the 30-day hotspots take
a second to add up)."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from analytics import findings, refresh
from analytics.tasks import refresh_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_finding_is_computed_once_per_publication(spike):
    today = timezone.localdate()
    row = spike(today, 2, 9)
    refresh.published()
    assert [s.count for s in findings.hotspots(today, window=7)] == [9]

    row.tickets = 12  # changed without a refresh: the published finding stands
    row.save()
    assert [s.count for s in findings.hotspots(today, window=7)] == [9]
    assert [s.count for s in findings.hotspots(today, 7)] == [9]  # the same call, spelt otherwise

    refresh.published()  # the summaries were replaced
    assert [s.count for s in findings.hotspots(today, window=7)] == [12]


def test_unpublished_summaries_are_never_cached(spike):
    today = timezone.localdate()
    row = spike(today, 2, 9)
    assert [s.count for s in findings.hotspots(today, window=7)] == [9]
    row.tickets = 12
    row.save()
    assert [s.count for s in findings.hotspots(today, window=7)] == [12]


def test_the_refresh_task_computes_the_findings_before_anyone_asks(
    submit, django_assert_num_queries
):
    submit()
    assert refresh_statistics() > 0
    today = timezone.localdate()
    # One query each: when the summaries were published. The findings come from the cache.
    for window in (7, 30):
        with django_assert_num_queries(1):
            findings.hotspots(today, window=window)
        with django_assert_num_queries(1):
            findings.community_counts(today, window)
    with django_assert_num_queries(1):
        findings.topic_candidates(refresh.this_month())
    cache.clear()
    with django_assert_num_queries(2):  # the stamp, then the summaries themselves
        findings.community_counts(today, 30)
