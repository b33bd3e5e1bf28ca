"""The lists the submission form's script fills its dependent selects from (JSON).

The same lists the server builds for the page without JavaScript (`portal.choices`).
"""

from django.http import Http404, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..choices import category_children_of_code, find_places, place_option, region_children_of_code


def _options(items):
    return JsonResponse(
        {"options": [{"value": item.code, "label": item.display_name} for item in items]}
    )


@cache_control(public=True, max_age=300)
@require_GET
def region_options(request, code):
    children = region_children_of_code(code)
    if children is None:
        raise Http404
    return _options(children)


@cache_control(public=True, max_age=300)
@require_GET
def category_options(request, code):
    children = category_children_of_code(code)
    if children is None:
        raise Http404
    return _options(children)


@cache_control(public=True, max_age=300)
@require_GET
def place_options(request):
    """Places whose name contains `?q=` (the form's "find the place" suggestions)."""
    places = find_places(request.GET.get("q", ""))
    return JsonResponse({"options": [place_option(region) for region in places]})
