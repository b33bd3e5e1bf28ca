"""`POST /api/v1/intake/suggestions/` (staff) and `POST /api/v1/public/suggestions/` (the
residents' site): suggestions for a caller's words, one endpoint for every surface.

Staff: any member of a unit (session or personal token; an API client only when its service
user was given a membership), ticket data within the caller's scope (`tickets_for`, as every
other read). Public: no authentication, categories and public articles only, rate limited per
address (`SUGGESTIONS_PUBLIC_RATE`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.throttling import KeyRateThrottle
from tickets import lookups, permissions
from tickets.api.scope import tickets_for
from tickets.api.serializers.common import CachedCodeField, RefSerializer
from tickets.phones import normalize_phone
from tickets.workflow import Status

from .selectors import public_suggestions_for, suggestions_for

# -- input ---------------------------------------------------------------------------------------


class PublicSuggestionInput(serializers.Serializer):
    description = serializers.CharField(
        max_length=settings.PORTAL_TICKET_DESCRIPTION_MAX,
        help_text="the caller's words as typed so far",
    )


class SuggestionInput(PublicSuggestionInput):
    region = CachedCodeField(
        lookups.region, required=False, help_text="a region code (any level): where it is"
    )
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text="the caller's number: adds their earlier tickets and the repeat warning",
    )
    category = CachedCodeField(
        lookups.category,
        required=False,
        help_text="a leaf category code the operator has chosen already: the unit, similar "
        "tickets and the repeat warning follow it instead of the first suggestion",
    )
    address = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="the address given, for the repeat warning (same address within 30 days)",
    )

    def validate_phone(self, value):
        if not value.strip():
            return ""
        try:
            return normalize_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate_category(self, value):
        if not (value.is_active and value.is_leaf):
            raise serializers.ValidationError(_("Choose an active category of the lowest level."))
        return value


# -- output --------------------------------------------------------------------------------------


class CategorySuggestionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    path = serializers.CharField(help_text="the category's path, e.g. 供暖 › 供暖服务 › 暖气不热")
    score = serializers.FloatField(help_text="confidence, 0–1 (scores of all categories sum to 1)")


class ArticleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class StaffArticleOutput(ArticleOutput):
    expired = serializers.BooleanField(
        help_text="past its last valid day: shown so the operator knows, never read out (the "
        "services refuse to answer with it)"
    )


class SimilarTicketOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    submitted_at = serializers.DateTimeField()
    similarity = serializers.FloatField(help_text="text similarity, 0–1")


class CallerTicketOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    submitted_at = serializers.DateTimeField()
    category = serializers.CharField(help_text="its category's code")
    repeat = serializers.BooleanField(help_text="same category or address within 30 days")


class CallerOutput(serializers.Serializer):
    tickets = CallerTicketOutput(many=True, help_text="the caller's latest tickets, newest first")
    repeat = serializers.BooleanField(help_text="the call looks like a repeat of one of them")


class ModelOutput(serializers.Serializer):
    version = serializers.IntegerField()
    trained_at = serializers.DateTimeField()


class PublicSuggestionOutput(serializers.Serializer):
    categories = CategorySuggestionOutput(many=True, help_text="up to 3, best first")
    articles = ArticleOutput(many=True)
    model = ModelOutput(allow_null=True, help_text="the classifier version; null before training")


class SuggestionOutput(serializers.Serializer):
    categories = CategorySuggestionOutput(many=True, help_text="up to 3, best first")
    unit = RefSerializer(
        allow_null=True, help_text="the dispatch catalogue's unit for the first category"
    )
    articles = StaffArticleOutput(many=True)
    similar = SimilarTicketOutput(many=True, help_text="open tickets nearby saying the same")
    caller = CallerOutput(allow_null=True, help_text="null without a phone number")
    model = ModelOutput(allow_null=True, help_text="the classifier version; null before training")
    token = serializers.CharField(
        help_text="what was shown, signed: pass it as `suggestion` when the ticket is created "
        "or accepted, so the choice is recorded beside the suggestions"
    )


def _categories(suggestions) -> list[dict]:
    return [
        {"code": c.code, "name": c.name, "path": c.path, "score": round(score, 4)}
        for c, score in suggestions.categories
    ]


def _model(suggestions) -> dict | None:
    model = suggestions.model
    return {"version": model.version, "trained_at": model.trained_at} if model else None


# -- views ---------------------------------------------------------------------------------------


class IsStaffMember(BasePermission):
    message = gettext_lazy("Suggestions are for the staff of the hotline and its units.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or bool(permissions.roles_of(user))


EXAMPLE = OpenApiExample(
    "A call about a radiator",
    value={"description": "楼道里暖气漏水了", "region": "110105007001", "phone": "13812345678"},
    request_only=True,
)


class SuggestionView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        operation_id="intake_suggestions",
        summary="Suggestions for a caller's words: categories, unit, articles, similar tickets, "
        "the caller's history",
        request=SuggestionInput,
        responses={200: SuggestionOutput},
        examples=[EXAMPLE],
        tags=["intake"],
    )
    def post(self, request):
        given = SuggestionInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        found = suggestions_for(
            user=request.user,
            tickets=tickets_for(request),
            description=data["description"],
            region=data.get("region"),
            phone=data.get("phone", ""),
            category=data.get("category"),
            address=data.get("address", ""),
        )
        answer = {
            "categories": _categories(found),
            "unit": found.unit,
            "articles": found.articles,
            "similar": found.similar,
            "caller": found.caller,
            "model": _model(found),
            "token": found.shown().token(),
        }
        return Response(SuggestionOutput(answer).data)


class PublicSuggestionThrottle(KeyRateThrottle):
    """Per address, at `SUGGESTIONS_PUBLIC_RATE` (the public site asks as residents type)."""

    def _rate_for(self, request):
        return settings.SUGGESTIONS_PUBLIC_RATE

    def _ident(self, request) -> str:
        return f"suggest-ip-{self.get_ident(request)}"


class PublicSuggestionView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicSuggestionThrottle]

    @extend_schema(
        operation_id="public_suggestions",
        summary="The residents' site: likely categories and public articles for a description",
        request=PublicSuggestionInput,
        responses={200: PublicSuggestionOutput},
        auth=[],
        tags=["intake"],
    )
    def post(self, request):
        given = PublicSuggestionInput(data=request.data)
        given.is_valid(raise_exception=True)
        found = public_suggestions_for(description=given.validated_data["description"])
        answer = {
            "categories": _categories(found),
            "articles": found.articles,
            "model": _model(found),
        }
        return Response(PublicSuggestionOutput(answer).data)


urlpatterns = [
    path("intake/suggestions/", SuggestionView.as_view(), name="intake-suggestions"),
    path("public/suggestions/", PublicSuggestionView.as_view(), name="public-suggestions"),
]
