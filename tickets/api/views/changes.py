"""`GET /api/v1/changes/`: every committed change in the caller's scope, once, in order.

See `tickets.changes` for why a cursor over committed changes cannot miss one that committed
late, where `updated_after` can.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets import changes

from ..scope import client_of, events_for_caller
from ..serializers.changes import EVENT_RELATED, ChangePageOutputSerializer, change_items

DEFAULT_PAGE = 100


def _cursor(text: str | None) -> changes.Cursor:
    if text in (None, ""):
        return changes.START
    if text == "now":
        return changes.head()
    try:
        return changes.Cursor.parse(text)
    except ValueError:
        raise ValidationError(
            {"after": [_("Pass back a `next` value this feed gave, or `now`.")]}
        ) from None


def _limit(text: str | None) -> int:
    if text in (None, ""):
        return DEFAULT_PAGE
    if not text.isdigit() or not 1 <= int(text) <= changes.MAX_PAGE:
        raise ValidationError(
            {"limit": [_("Give a whole number from 1 to %d.") % changes.MAX_PAGE]}
        )
    return int(text)


class ChangeFeedView(APIView):
    @extend_schema(
        operation_id="changes_list",
        summary="Every committed change to the tickets in the caller's scope, in order, once",
        description=(
            "Start without `after` (from the beginning) or with `after=now`; then pass back "
            "`next` each time. A change appears once every transaction that began before it "
            "has ended, so a change that commits late is never skipped. A client sees the "
            "public events of its own submissions, and every event of the tickets its unit "
            "membership shows it."
        ),
        parameters=[
            OpenApiParameter(
                "after", OpenApiTypes.STR, description="a `next` value, or `now`", required=False
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"changes per page, 1 to {changes.MAX_PAGE} (default {DEFAULT_PAGE})",
                required=False,
            ),
        ],
        responses=ChangePageOutputSerializer,
        tags=["changes"],
    )
    def get(self, request):
        after = _cursor(request.query_params.get("after"))
        limit = _limit(request.query_params.get("limit"))
        client = client_of(request)
        events = events_for_caller(request.user, client).select_related(*EVENT_RELATED)
        page = changes.read(events, after, limit)
        items = change_items(page.events, user=request.user, client=client, now=timezone.now())
        return Response({"changes": items, "next": str(page.next), "more": page.more})
