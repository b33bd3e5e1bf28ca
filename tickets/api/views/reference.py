"""Reference data for clients: the category tree (with each leaf's questions), the region tree
and the units. Each is built from one or two queries, whatever the size of the tree."""

from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from departments.models import Department, Region
from departments.names import in_language
from tickets.models import Category, CategoryAttribute

from ..serializers.reference import (
    CategoryNodeOutputSerializer,
    RegionNodeOutputSerializer,
    UnitOutputSerializer,
)


def build_tree(rows: list[dict], root_ids=None) -> list[dict]:
    """Nest flat rows (each with `id` and `parent_id`) under their parents; drop the ids."""
    nodes = {row["id"]: {**row, "children": []} for row in rows}
    roots = []
    for row in rows:
        node = nodes[row["id"]]
        parent = nodes.get(row["parent_id"])
        if (root_ids is None and row["parent_id"] is None) or (root_ids and row["id"] in root_ids):
            roots.append(node)
        elif parent is not None:
            parent["children"].append(node)
        # else: under a node that is not listed (an inactive category): left out with it
    for node in nodes.values():
        node.pop("id")
        node.pop("parent_id")
    return roots


class CategoryTreeView(APIView):
    @extend_schema(
        operation_id="categories_tree",
        summary="The active category tree; leaves carry their questions",
        responses=CategoryNodeOutputSerializer(many=True),
        tags=["reference"],
    )
    def get(self, request):
        categories = list(
            Category.objects.filter(is_active=True)
            .order_by("level", "rank", "code")
            .values(
                "id",
                "parent_id",
                "code",
                "name",
                "name_en",
                "level",
                "description",
                "urgency__code",
            )
        )
        questions: dict[int, list] = {}
        for attribute in CategoryAttribute.objects.filter(category__is_active=True).order_by(
            "order", "code"
        ):
            questions.setdefault(attribute.category_id, []).append(
                {
                    "code": attribute.code,
                    "variable": attribute.variable,
                    "datatype": attribute.datatype,
                    "required": attribute.required,
                    "description": attribute.description,
                    "datatype_description": attribute.datatype_description,
                    "values": [
                        {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                        for v in attribute.values or []
                    ],
                }
            )
        for row in categories:
            row["name"] = in_language(row["name"], row["name_en"])
            row["urgency"] = row.pop("urgency__code")
            row["questions"] = questions.get(row["id"], [])
        return Response(build_tree(categories))


class RegionTreeView(APIView):
    @extend_schema(
        operation_id="regions_tree",
        summary="The region tree (city → district → street → community)",
        parameters=[
            OpenApiParameter("root", OpenApiTypes.STR, description="only the subtree of this code")
        ],
        responses=RegionNodeOutputSerializer(many=True),
        tags=["reference"],
    )
    def get(self, request):
        rows = list(
            Region.objects.order_by("code").values(
                "id", "parent_id", "code", "name", "name_en", "level"
            )
        )
        for row in rows:
            row["name"] = in_language(row["name"], row["name_en"])
        root_code = request.query_params.get("root")
        root_ids = None
        if root_code:
            root_ids = {row["id"] for row in rows if row["code"] == root_code}
            if not root_ids:
                raise ValidationError({"root": [_("Unknown region.")]})
        return Response(build_tree(rows, root_ids))


class UnitListView(APIView):
    @extend_schema(
        operation_id="units_list",
        summary="Active handling units",
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=Department.Kind.values, description="unit kind"
            )
        ],
        responses=UnitOutputSerializer(many=True),
        tags=["reference"],
    )
    def get(self, request):
        units = Department.objects.filter(is_active=True).annotate(
            parent_code=F("parent__code"), region_code=F("region__code")
        )
        kind = request.query_params.get("kind")
        if kind:
            if kind not in Department.Kind.values:
                raise ValidationError({"kind": [_("Select a valid choice.")]})
            units = units.filter(kind=kind)
        return Response(UnitOutputSerializer(units.order_by("kind", "code"), many=True).data)
