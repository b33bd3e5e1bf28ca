"""`python manage.py reindex_articles`: recompute every article's stored search words, after an
upgrade that changes the segmentation or the stop words (knowledge/text.py). Not a version:
the articles' content does not change."""

from django.core.management.base import BaseCommand
from django.db import transaction

from knowledge import text
from knowledge.models import Article


class Command(BaseCommand):
    help = "Recompute the search words of every knowledge-base article."

    def handle(self, *args, **options):
        changed = 0
        with transaction.atomic():
            for article in Article.objects.only("title", "keywords", "body").iterator(2000):
                head, body = text.index_fields(
                    title=article.title, keywords=article.keywords, body=article.body
                )
                changed += (
                    Article.objects.filter(pk=article.pk)
                    .exclude(search_head=head, search_body=body)
                    .update(search_head=head, search_body=body)
                )
        self.stdout.write(f"{changed} articles reindexed.")
