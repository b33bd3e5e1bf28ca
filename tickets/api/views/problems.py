"""The problem types (`/api/problems/…`, what each error's `type` points at), an unknown URL
under `/api/` (a problem, not the site's HTML 404) and a failure outside the API's views."""

import json

from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..errors import MEDIA_TYPE, PROBLEMS, TYPE_PREFIX, problem

API_PREFIX = "/api/"


def _entry(code: str) -> dict:
    status, title = PROBLEMS[code]
    return {"type": TYPE_PREFIX + code, "code": code, "status": status, "title": str(title)}


class ProblemTypesView(APIView):
    """The catalogue of problem types, or one of them."""

    permission_classes = [AllowAny]
    schema = None

    def get(self, request, code=None):
        if code is None:
            return Response([_entry(c) for c in PROBLEMS])
        if code not in PROBLEMS:
            raise NotFound
        return Response(_entry(code))


class UnknownApiPathView(APIView):
    """Every method on a path under `/api/` that names nothing: 404 as a problem. A path that
    only lacks its final slash is redirected with 308, which keeps the method and the body
    (Django's APPEND_SLASH answers 301, which turns a POST into a GET)."""

    permission_classes = [AllowAny]
    schema = None

    def handle(self, request, *args, **kwargs):
        path = request.path_info
        if not path.endswith("/"):
            try:
                match = resolve(path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "view_class", None) is not type(self):
                query = request.META.get("QUERY_STRING", "")
                location = request.path + "/" + (f"?{query}" if query else "")
                return Response(status=308, headers={"Location": location})
        raise NotFound

    get = post = put = patch = delete = options = handle


def server_error(request):
    """`handler500`: a failure that escaped the views (a middleware, a template) is a problem
    document under `/api/`, Django's page elsewhere."""
    if not request.path.startswith(API_PREFIX):
        return defaults.server_error(request)
    body = problem(status=500, code="server_error", detail="", instance=request.path)
    body["detail"] = body["title"]
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=500, content_type=MEDIA_TYPE)
