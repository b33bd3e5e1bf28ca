"""Submitting a demand: the two-step form (`/submit/`) and the confirmation (`/submit/done/`).

One address, one POST per move: "show the next list" (no JavaScript) and "back" re-render step 1,
"continue" checks step 1 and shows step 2 with the "already reported?" list, "submit" stores the
ticket through `tickets.services.ticket_submit`, whose field errors come back beside the fields.
Only the final submission counts against the per-IP limit.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from tickets.models import Channel, Ticket
from tickets.phones import is_mobile
from tickets.privacy import mask_phone
from tickets.selectors import open_tickets_like
from tickets.services import ticket_submit

from .. import ratelimit, tracking
from ..csp import public_page
from ..error_summary import error_summary
from ..forms import DetailsForm, WhereForm, attach_errors
from ..forms.fields import without_errors

SUBMISSION_KEY = "portal_submission"


@public_page
@ratelimit.limited
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    if request.method != "POST":  # GET, and HEAD for monitors
        return _page(request, 1, WhereForm(), DetailsForm())
    post = request.POST
    where = WhereForm(data=post)
    details = DetailsForm(data=post, files=request.FILES)
    if "_refresh" in post or "_back" in post:
        return _page(request, 1, where, details, show_errors=False)
    if post.get("step") != "2":
        if not where.is_valid():
            return _page(request, 1, where, details)
        return _page(request, 2, where, details, show_errors=False)
    ratelimit.hit(request, "submit")
    if not where.is_valid():  # a stale step 1, e.g. a category withdrawn meanwhile
        return _page(request, 1, where, details)
    if not details.is_valid():
        return _page(request, 2, where, details)
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


def _page(request, step, where, details, *, show_errors=True):
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
