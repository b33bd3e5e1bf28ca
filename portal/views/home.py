"""The public home page and the icon browsers ask for."""

from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from tickets.models import Category, Kind

from ..csp import public_page
from ..forms.submission import KIND_HINTS
from ..public_stats import headline


@public_page
@require_safe
def home(request):
    top = {}
    for category in Category.objects.filter(is_active=True, level__lte=2).only(
        "name", "name_en", "level", "parent_id", "rank", "code"
    ):
        if category.level == 1:
            top[category.pk] = (category, [])
        elif category.parent_id in top:
            top[category.parent_id][1].append(category)
    return render(
        request,
        "portal/home.html",
        {
            "figures": headline(),
            "kinds": [(kind.label, KIND_HINTS[kind]) for kind in Kind],
            "categories": list(top.values()),
        },
    )


@cache_control(max_age=86400)
@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico before reading the page's <link rel=icon>."""
    return redirect(static("portal/favicon.svg"))
