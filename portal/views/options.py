"""The lists the submission form's script fills its dependent selects from (JSON).

The same lists the server builds for the page without JavaScript (`portal.choices`).
"""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from ..choices import category_children_of_code, find_places, place_option, region_children_of_code


def _options(items):
    return JsonResponse(
        {"options": [{"value": item.code, "label": item.display_name} for item in items]}
    )


def _bad_code(code: str) -> JsonResponse | None:
    """No code holds a NUL, and PostgreSQL refuses one in a query: a bad request, said so."""
    if "\x00" in code:
        return JsonResponse({"error": _("The code contains a NUL character.")}, status=400)
    return None


@cache_control(public=True, max_age=300)
@require_safe
def region_options(request, code):
    if bad := _bad_code(code):
        return bad
    children = region_children_of_code(code)
    if children is None:
        raise Http404
    return _options(children)


@cache_control(public=True, max_age=300)
@require_safe
def category_options(request, code):
    if bad := _bad_code(code):
        return bad
    children = category_children_of_code(code)
    if children is None:
        raise Http404
    return _options(children)


@cache_control(public=True, max_age=300)
@require_safe
def place_options(request):
    """Places whose name contains `?q=` (the form's "find the place" suggestions)."""
    places = find_places(request.GET.get("q", ""))
    return JsonResponse({"options": [place_option(region) for region in places]})
