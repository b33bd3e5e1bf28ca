"""The call-taker's desk (`/admin/tickets/ticket/intake/`, operators and dispatchers) and its
JSON helpers: the caller's earlier tickets, and the category and place search.

The page works without JavaScript: every button that is not an ending (suggest, a suggested or
found category, a found place) posts the form back and the page is rendered again from the same
selectors the script calls — the suggestions (`suggestions.selectors.suggestions_for`, as the
suggestions endpoint), the caller's history (`tickets.selectors.caller_history`), the category
and place search (`tickets.category_finder`, `departments.place_finder`). An ending is tried on
exactly what was typed; only when the page is rendered again does the desk fill what it can
(the place an address names, the caller's known name), for the call-taker to see before ending.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from departments.models import Department, Region
from departments.place_finder import place_search, places_in
from portal.choices import place_option
from portal.models import Citizen
from suggestions.selectors import Suggestions, suggestions_for, unit_for

from .. import lookups, permissions, rules, selectors
from ..category_finder import category_search
from ..exceptions import NotPermitted, RuleViolation
from ..models import Category, Kind, Ticket, UrgencyClass
from ..phones import phone_or_none
from ..workflow import Action
from .intake import (
    ANSWER,
    DISPATCH,
    KEYS,
    KIND_KEYS,
    Endings,
    IntakeForm,
    end_call,
    ending_of,
    shortcuts,
)

FOUND = 8  # categories or places listed for a search without JavaScript
OTHER_PLACES = 4  # further places an address may name


def _may_intake(request):
    if not permissions.can(request.user, Ticket(), Action.PHONE_INTAKE):
        raise PermissionDenied


def category_label(category: Category) -> str:
    return category.path


def place_label(region: Region) -> str:
    """E.g. "朝阳区和平街街道胜古南社区" (from the district down)."""
    return region.full_name


def _category(code) -> Category | None:
    """An active leaf by its code, or None (a code no category could have — too long, with a
    NUL PostgreSQL refuses — is none)."""
    if not isinstance(code, str) or not code or len(code) > 60 or "\x00" in code:
        return None
    category = lookups.category(code)
    return category if category is not None and category.is_active and category.is_leaf else None


def _region(code) -> Region | None:
    """A place from the district down, by its code, or None."""
    if not isinstance(code, str) or not code or len(code) > 12 or "\x00" in code:
        return None
    region = lookups.region(code)
    return region if region is not None and region.level >= Region.Level.DISTRICT else None


def _chosen_category(data) -> Category | None:
    """The category whose code the form holds, if the text beside it still names it (a typed
    search that was not followed by a choice leaves no category)."""
    category = _category(data.get("category"))
    if category is None:
        return None
    typed = data.get("category_query", "").strip()
    return category if typed in ("", category_label(category)) else None


def _chosen_region(data) -> Region | None:
    region = _region(data.get("region"))
    if region is None:
        return None
    typed = data.get("place_query", "").strip()
    return region if typed in ("", place_label(region)) else None


def _take(data) -> None:
    """A found or suggested category or place was chosen with its button (no JavaScript)."""
    category = _category(data.get("take_category"))
    if category is not None:
        data["category"], data["category_query"] = category.code, category_label(category)
    region = _region(data.get("take_place"))
    if region is not None:
        data["region"], data["place_query"] = region.code, place_label(region)


# -- the page ------------------------------------------------------------------------------------


@dataclass
class Desk:
    """Everything the page shows beside the form."""

    category: Category | None = None
    found_categories: list = field(default_factory=list)
    region: Region | None = None
    found_places: list = field(default_factory=list)
    place_from_address: bool = False
    address_places: list = field(default_factory=list)
    phone: str | None = None
    history: list = field(default_factory=list)
    repeats: set = field(default_factory=set)
    recent: int = 0
    suggestions: Suggestions | None = None
    lead: Department | None = None


def _build(request, data) -> Desk:
    """Read the form's data as typed so far and fill what the desk can (`data` is changed: the
    place from the address, the caller's known name, the suggestion token, the unit)."""
    desk = Desk()
    if data is None:
        return desk
    for key in list(data):  # no field holds a NUL (PostgreSQL refuses one in a query)
        data.setlist(key, [v.replace("\x00", "") for v in data.getlist(key)])
    desk.category = _chosen_category(data)
    if desk.category is None:
        data["category"] = ""
        typed = data.get("category_query", "").strip()
        desk.found_categories = category_search(typed, limit=FOUND) if typed else []
    desk.region = _chosen_region(data)
    address = data.get("address", "").strip()
    if desk.region is None:
        data["region"] = ""
        typed = data.get("place_query", "").strip()
        if typed:
            desk.found_places = place_search(typed, limit=FOUND)
        elif address:
            named = places_in(address, limit=1 + OTHER_PLACES)
            if named:
                desk.region, desk.place_from_address = named[0], True
                data["region"], data["place_query"] = named[0].code, place_label(named[0])
                above = {r.pk for r in named[0].lineage()}
                desk.address_places = [r for r in named[1:] if r.pk not in above]
    tickets = selectors.ticket_list_for(request.user)
    desk.phone = phone_or_none(data.get("contact_phone"))
    if desk.phone:
        _caller(desk, data, address, tickets)
    description = data.get("description", "").strip()
    if description:
        desk.suggestions = suggestions_for(
            user=request.user,
            tickets=tickets,
            description=description,
            region=desk.region,
            phone=desk.phone or "",
            category=desk.category,
            address=address,
        )
        data["suggestion"] = desk.suggestions.shown().token()
    if desk.category is not None and desk.region is not None:
        desk.lead = unit_for(desk.category, desk.region)
    data["lead"] = desk.lead.code if desk.lead else ""
    return desk


def _caller(desk: Desk, data, address: str, tickets) -> None:
    """The caller's earlier tickets within the user's scope (the hotline's: all), the likely
    repeats among them, and their name as the portal knows it."""
    desk.history = list(selectors.caller_history(desk.phone, tickets=tickets))
    repeats = selectors.likely_repeats(
        desk.phone, category=desk.category, address=address, tickets=tickets
    )
    desk.repeats = {t.pk for t in repeats}
    desk.recent = _recent_count(desk.phone, tickets)
    if not data.get("contact_name", "").strip() and not data.get("anonymous"):
        name = Citizen.objects.filter(phone=desk.phone).values_list("name", flat=True).first()
        if name:
            data["contact_name"] = name


def _recent_count(phone: str, tickets) -> int:
    since = timezone.now() - selectors.REPEAT_WINDOW
    return tickets.filter(citizen__phone=phone, submitted_at__gte=since).aggregate(n=Count("pk"))[
        "n"
    ]


def _rules(now) -> dict:
    """The rules the page applies as the call-taker chooses, computed by `tickets.rules` (the
    services check the same): which kinds may end with each ending, and for each category its
    urgency class and those it may be raised to."""
    classes = list(UrgencyClass.objects.all())
    leaves = Category.objects.filter(level=Category.LEAF_LEVEL, is_active=True).select_related(
        "urgency"
    )
    endings = ((ANSWER, Action.ANSWER_DIRECTLY), (DISPATCH, Action.DISPATCH))
    refusals = {
        ending: {kind: rules.refusal_for_call(kind, action, now=now) for kind in Kind.values}
        for ending, action in endings
    }
    return {
        "keys": KEYS,
        "kinds": {
            ending: [kind for kind, reason in reasons.items() if reason is None]
            for ending, reasons in refusals.items()
        },
        "refusals": {
            ending: {kind: str(reason) for kind, reason in reasons.items() if reason}
            for ending, reasons in refusals.items()
        },
        "urgency": {
            leaf.code: {
                "default": leaf.urgency.code,
                "allowed": [u.code for u in rules.urgencies_allowed(leaf, classes)],
            }
            for leaf in leaves
        },
    }


def _kinds(form, allowed_answer: list[str]) -> list[dict]:
    chosen = form["kind"].value()
    return [
        {
            "value": value,
            "label": label,
            "key": KIND_KEYS[value],
            "checked": value == chosen,
            "answerable": value in allowed_answer,
        }
        for value, label in Kind.choices
    ]


def _urgencies(form, category: Category | None) -> list[dict]:
    chosen = form["urgency"].value() or ""
    classes = list(UrgencyClass.objects.all())
    allowed = {u.pk for u in rules.urgencies_allowed(category, classes)}
    return [
        {"code": u.code, "name": u.name, "allowed": u.pk in allowed, "selected": u.code == chosen}
        for u in classes
    ]


def _answer_state(form, desk_rules) -> str | None:
    """Why the articles cannot answer this call now (the kind chosen forbids it), or None."""
    kind = form["kind"].value()
    if kind and kind not in desk_rules["kinds"][ANSWER]:
        return rules.refusal_for_call(kind, Action.ANSWER_DIRECTLY, now=timezone.now())
    return None


def _first_citable(desk: Desk) -> int | None:
    """The article Alt+H answers with: the first suggested one that is not expired."""
    articles = desk.suggestions.articles if desk.suggestions else []
    return next((a["id"] for a in articles if not a.get("expired")), None)


def _end(request, form, data, ending, value) -> Ticket | None:
    """Try the ending asked for; on success say so and return the ticket, else put the
    refusal beside the fields and return None."""
    lead = None
    if ending == ANSWER and not value.isdigit():
        form.add_error(None, _("Unknown article."))
        return None
    if ending == DISPATCH:
        lead = _dispatch_lead(form, data)
        if lead is None and form.errors:
            return None
    try:
        ticket = end_call(ending, value, form=form, actor=request.user, lead=lead)
    except ValidationError as error:
        form.apply_service_errors(error)
        return None
    except (NotPermitted, RuleViolation) as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, _ended(ticket, ending))
    return ticket


def _dispatch_lead(form, data) -> Department | str | None:
    """The unit to dispatch to: the one the desk showed, if the dispatch catalogue still names
    it for the category and place chosen (else an error beside the button, and None). Without a
    category or place, what was sent (the service then names what is missing)."""
    category, region = _chosen_category(data), _chosen_region(data)
    if category is None or region is None:
        return form.cleaned_data["lead"] or None
    expected = unit_for(category, region)
    if expected is None:
        form.add_error(
            "lead",
            _(
                "No unit is named for this category and place: create the ticket for the "
                "dispatchers."
            ),
        )
        return None
    if form.cleaned_data["lead"] != expected.code:
        form.add_error(
            "lead",
            _("For this category and place the unit is now %(unit)s: check it and dispatch again.")
            % {"unit": expected.name},
        )
        return None
    return expected


def _ended(ticket: Ticket, ending: str) -> str:
    if ending == ANSWER:
        text = _("Ticket %(number)s answered directly and closed.")
    elif ending == DISPATCH:
        text = _("Ticket %(number)s created and dispatched to %(unit)s.")
    else:
        text = _("Ticket %(number)s created for the dispatchers.")
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    number = format_html('<a href="{}">{}</a>', url, ticket.number)
    unit = escape(ticket.lead_unit.name) if ticket.lead_unit_id else ""
    # Both parts are escaped above: the text and the unit's name; the number is a built link.
    return mark_safe(escape(text) % {"number": number, "unit": unit})


def _context(ma, request, form, desk: Desk, endings: Endings) -> dict:
    now = timezone.now()
    desk_rules = _rules(now)
    return {
        **ma.admin_site.each_context(request),
        "opts": ma.opts,
        "title": _("Phone intake"),
        "form": form,
        "desk": desk,
        "endings": endings,
        "kinds": _kinds(form, desk_rules["kinds"][ANSWER]),
        "urgencies": _urgencies(form, desk.category),
        "answer_refused": _answer_state(form, desk_rules),
        "keys": KEYS,
        "shortcuts": shortcuts(),
        "answer_key": _first_citable(desk),
        "desk_rules": desk_rules,
        "urls": {
            "history": reverse("admin:tickets_ticket_intake_history"),
            "find": reverse("admin:tickets_ticket_intake_find"),
            "suggest": reverse("intake-suggestions"),
            "ticket": reverse("admin:tickets_ticket_change", args=[0]),
        },
    }


def intake_view(ma):
    def view(request):
        _may_intake(request)
        endings = Endings.for_user(request.user)
        data = request.POST.copy() if request.method == "POST" else None
        form = IntakeForm()
        if data is not None:
            _take(data)
            ending, value = ending_of(data)
            if ending is not None:
                form = IntakeForm(data, request.FILES or None)
                if form.is_valid() and _end(request, form, data, ending, value):
                    return HttpResponseRedirect(reverse("admin:tickets_ticket_intake"))
        desk = _build(request, data)
        if data is not None and not form.is_bound:
            # Suggest, or a category or place chosen: shown again, judged only at an ending.
            form = IntakeForm(initial=data.dict())
        context = _context(ma, request, form, desk, endings)
        context["values"] = data
        return TemplateResponse(request, "admin/tickets/ticket/intake.html", context)

    return view


# -- JSON for the desk's script ------------------------------------------------------------------


def intake_history_view(ma):
    """The caller's earlier tickets and likely repeats, their known name, and how many tickets
    they filed in the last 30 days."""

    def view(request):
        _may_intake(request)
        phone = phone_or_none(request.GET.get("phone", ""))
        if phone is None:
            return JsonResponse({"phone": None, "tickets": [], "name": "", "recent": 0})
        tickets = selectors.ticket_list_for(request.user)
        category = _category(request.GET.get("category"))
        address = request.GET.get("address", "").replace("\x00", "")[:200]
        repeats = selectors.likely_repeats(
            phone, category=category, address=address, tickets=tickets
        )
        repeats = {t.pk for t in repeats}
        rows = [
            {
                "number": t.number,
                "url": reverse("admin:tickets_ticket_change", args=[t.pk]),
                "submitted_at": timezone.localtime(t.submitted_at).strftime("%Y-%m-%d %H:%M"),
                "category": t.category.path,
                "status": t.get_status_display(),
                "address": t.address,
                "repeat": t.pk in repeats,
            }
            for t in selectors.caller_history(phone, tickets=tickets)
        ]
        name = Citizen.objects.filter(phone=phone).values_list("name", flat=True).first() or ""
        recent = _recent_count(phone, tickets)
        return JsonResponse({"phone": phone, "tickets": rows, "name": name, "recent": recent})

    return view


FIND_LIMIT = 10


def intake_find_view(ma):
    """`?what=category&q=…`, `?what=place&q=…` (by name, path, pinyin) and
    `?what=address&q=…` (the places an address names): {"results": [{"value", "label",
    "context", "path"}]} (places with their lineage's "codes" too)."""

    def view(request):
        _may_intake(request)
        what, query = request.GET.get("what", ""), request.GET.get("q", "")
        if what == "category":
            results = [_category_result(c) for c in category_search(query, limit=FIND_LIMIT)]
        elif what == "place":
            results = [_place_result(r) for r in place_search(query, limit=FIND_LIMIT)]
        elif what == "address":
            results = [_place_result(r) for r in places_in(query, limit=FIND_LIMIT)]
        else:
            return JsonResponse(
                {"error": _("Ask for what=category, what=place or what=address.")}, status=400
            )
        return JsonResponse({"results": results})

    return view


def _category_result(category: Category) -> dict:
    above = [node.display_name for node in category.path_nodes()[:-1]]
    return {
        "value": category.code,
        "label": category.display_name,
        "context": " › ".join(above),
        "path": category_label(category),
    }


def _place_result(region: Region) -> dict:
    option = place_option(region)
    return {
        "value": region.code,
        "label": option["label"],
        "context": option["context"],
        "path": place_label(region),
        "codes": option["codes"],  # the district's first, down to this place
    }
