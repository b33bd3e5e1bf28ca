"""Fixtures for the knowledge base: articles written and published through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.models import Article
from tests.factories import UserFactory

# Fixtures of other test packages used here: the API's staff clients, the submission form.
from tests.portal.conftest import details, tree, where  # noqa: F401
from tests.tickets.api.conftest import as_staff  # noqa: F401

Status = Article.Status


@pytest.fixture
def editor(db):
    """A superuser: writes and reviews every article."""
    return UserFactory(username="kb-admin", is_superuser=True)


@pytest.fixture
def write(editor, units, category):
    """Make an article in a given status (default published), owned by 和平街 by default."""

    def make(title="暖气不热怎么报修", *, status=Status.PUBLISHED, owner=None, **fields):
        defaults = {
            "body": "联系供热单位报修。",
            "keywords": "",
            "categories": [category],
            "effective_from": timezone.localdate() - timedelta(days=30),
        }
        article = services.article_create(
            actor=editor, title=title, owner=owner or units["street"], **{**defaults, **fields}
        )
        steps = {
            Status.IN_REVIEW: [services.article_submit],
            Status.PUBLISHED: [services.article_submit, services.article_publish],
            Status.WITHDRAWN: [services.article_submit, services.article_publish],
        }
        for step in steps.get(status, []):
            step(article_id=article.pk, actor=editor)
        if status == Status.WITHDRAWN:
            services.article_withdraw(article_id=article.pk, actor=editor, note="政策已废止")
        article.refresh_from_db()
        assert article.status == status
        return article

    return make


@pytest.fixture
def consultation(submit):
    """A submitted consultation about 楼牌号."""

    def make(**overrides):
        return submit(kind="consultation", **overrides)

    return make
