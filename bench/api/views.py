"""(a) the cheapest Django JSON view; (b) the floor cost of a durable create on this stack:
parse the same JSON body, insert one ticket-sized row and one event row in a transaction."""

import json
import uuid
from functools import cache

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from departments.models import Region
from tickets.models import Category, Ticket, TicketEvent


def trivial(request):
    return JsonResponse({"ok": True})


@cache
def _references(category_code: str, region_code: str) -> dict:
    category = Category.objects.get(code=category_code)
    region = Region.objects.get(code=region_code)
    return {
        "category_id": category.pk,
        "urgency_id": category.urgency_id,
        "region_id": region.pk,
        "community_id": region.pk,
        "street_id": region.parent_id,
        "district_id": region.parent.parent_id,
    }


@csrf_exempt
def minimal_insert(request):
    body = json.loads(request.body)
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number="B" + uuid.uuid4().hex[:15],
            access_code="BENCH",
            channel="api",
            kind=body["kind"],
            description=body["description"],
            address=body.get("address", ""),
            contact_name=body.get("contact_name", ""),
            contact_phone=body.get("contact_phone", ""),
            status="submitted",
            submitted_at=now,
            **_references(body["category"], body["region"]),
        )
        TicketEvent.objects.create(
            ticket=ticket, created_at=now, action="submit", to_status="submitted", public=True
        )
    return JsonResponse({"number": ticket.number}, status=201)
