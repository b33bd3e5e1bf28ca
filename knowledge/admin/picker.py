"""Choosing an article to answer a call with: the admin's autocomplete (select2), fed by our
search instead of the admin's `icontains`, with expired articles marked.

`ArticlePicker` is Django's `AutocompleteSelect` pointed at `ArticlePickView`; the form field
that uses it (`article_field`) accepts published articles only and labels each like the list,
so an expired one reads "[expired]" wherever staff pick it. The service refuses an expired
article all the same (`knowledge.services.citable_article`).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import Article, ArticleUse, Audience
from ..workflow import Status

PICK_LIMIT = 20


def pick_label(article: Article) -> str:
    """The title, marked when expired or internal, with the owning unit."""
    marks = []
    if article.expired():
        marks.append(gettext("[expired, do not use]"))
    if article.audience == Audience.INTERNAL:
        marks.append(gettext("[internal]"))
    owner = article.owner.name if article.owner_id else ""
    return " ".join([*marks, article.title, f"· {owner}" if owner else ""]).strip()


class ArticlePicker(AutocompleteSelect):
    url_name = "%s:knowledge_article_pick"

    def __init__(self, attrs=None):
        super().__init__(ArticleUse._meta.get_field("article"), admin.site, attrs=attrs)


def article_field(**kwargs) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        Article.objects.filter(status=Status.PUBLISHED).select_related("owner"),
        label=_("knowledge-base article"),
        widget=ArticlePicker(),
        **kwargs,
    )
    field.label_from_instance = pick_label
    return field


def pick_view(request):
    """select2's JSON: {"results": [{"id", "text"}], "pagination": {"more": false}}."""
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    found = selectors.article_pick(
        term=request.GET.get("term", ""), user=request.user, limit=PICK_LIMIT
    )
    return JsonResponse(
        {
            "results": [{"id": str(a.pk), "text": pick_label(a)} for a in found],
            "pagination": {"more": False},
        }
    )
