"""Submitting a demand: the two-step form (`/submit/`) and the confirmation (`/submit/done/`).

One address, one POST per move: "show the next list" (no JavaScript) and "back" re-render step 1,
"find" lists the places matching the typed name and choosing one fills the three place lists
(both re-render step 1; the script does the same without a reload), "continue" checks step 1 and
shows step 2 with the "already reported?" list, "submit" stores the ticket through
`tickets.services.ticket_submit`. Step 2 reports every error at once: the form's own (consent,
photos) together with the ticket service's checks of the same values (description, contact, map
point), run before anything is stored. Only the final submission counts against the per-IP
limit.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from geo import maps
from tickets.models import Channel, Ticket
from tickets.phones import is_mobile
from tickets.privacy import mask_phone
from tickets.selectors import open_tickets_like
from tickets.services import ticket_submit

from .. import ratelimit, tracking
from ..choices import find_places, place_lineage, place_option
from ..csp import public_page
from ..error_summary import error_summary
from ..forms import DetailsForm, WhereForm, attach_errors, check_intake
from ..forms.fields import without_errors

SUBMISSION_KEY = "portal_submission"


@public_page
@ratelimit.limited
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    if request.method != "POST":  # GET, and HEAD for monitors
        return _page(request, 1, WhereForm(), DetailsForm())
    post = request.POST
    if "_pick_place" in post:
        return _pick_place(request, post)
    where = WhereForm(data=post)
    details = DetailsForm(data=post, files=request.FILES)
    if "_find_place" in post:
        places = [place_option(region) for region in find_places(post.get("place_query", ""))]
        return _page(request, 1, where, details, show_errors=False, places=places)
    if "_refresh" in post or "_back" in post:
        return _page(request, 1, where, details, show_errors=False)
    if post.get("step") != "2":
        if not where.is_valid():
            return _page(request, 1, where, details)
        return _page(request, 2, where, details, show_errors=False)
    ratelimit.hit(request, "submit")
    if not where.is_valid():  # a stale step 1, e.g. a category withdrawn meanwhile
        return _page(request, 1, where, details)
    details.is_valid()
    step = check_intake(where, details)
    if where.errors or details.errors:
        return _page(request, step, where, details)
    try:
        ticket = ticket_submit(
            channel=Channel.WEB,
            photos=details.cleaned_data["photos"],
            **where.intake(),
            **details.intake(),
        )
    except ValidationError as error:
        return _page(request, attach_errors(error, where, details), where, details)
    request.session[SUBMISSION_KEY] = {"number": ticket.number, "code": ticket.access_code}
    tracking.remember(request.session, ticket.number)
    return redirect("submitted")


def _pick_place(request, post):
    """A found place was chosen (without JavaScript): its district, street and community fill
    the lists; step 1 comes back with them."""
    data = post.copy()
    lineage = place_lineage(post["_pick_place"])
    if lineage is not None:
        for name in WhereForm.REGION_FIELDS:
            data[name] = lineage[name].code if name in lineage else ""
        data["place_query"] = ""
    where = WhereForm(data=data)
    details = DetailsForm(data=data, files=request.FILES)
    return _page(request, 1, where, details, show_errors=False)


def _page(request, step, where, details, *, show_errors=True, places=None):
    if not show_errors:
        without_errors(details)
        if step == 1:
            without_errors(where)
    errors = error_summary(where if step == 1 else details) if show_errors else []
    context = {
        "step": step,
        "where": where,
        "details": details,
        "show_errors": show_errors,
        "error_summary": errors,
        # Browsers cannot refill a file input: say so when chosen photos come back unsaved.
        "photos_lost": bool(request.FILES) and (bool(errors) or step == 1),
        "similar": [],
        "description_limit": settings.PORTAL_TICKET_DESCRIPTION_MAX,
        "places": places,  # None: no search made
        "map_config": maps.config() if step == 1 else None,
    }
    if step == 2 and where.is_bound and where.is_valid():
        context["similar"] = list(
            open_tickets_like(category=where.chosen_category, region=where.chosen_region)
        )
    return render(request, "portal/submit.html", context)


@public_page
@require_safe
def submitted(request):
    """The number and access code of the ticket this browser just submitted."""
    data = request.session.get(SUBMISSION_KEY)
    ticket = (
        Ticket.objects.select_related("urgency", "category").filter(number=data["number"]).first()
        if data
        else None
    )
    if ticket is None:
        return redirect("submit")
    return render(
        request,
        "portal/submitted.html",
        {
            "ticket": ticket,
            "access_code": data["code"],
            "urgency": ticket.urgency,
            "masked_phone": mask_phone(ticket.contact_phone),
            "texted": is_mobile(ticket.contact_phone),  # no SMS to a landline
        },
    )
