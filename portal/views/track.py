"""Tracking a ticket (`/track/`): look it up, read its trajectory and deadlines, rate the reply,
ask for reopening.

A look-up with the number and the access code (or the mobile number given) remembers the ticket
in the session and redirects to its page, so no secret travels in an address. The page shows
the resident their own report (description and photos); the photos are served by `photo`, which
asks the same session (`tickets.files`). Every look-up
counts against the per-IP `track` limit and each failed one against `track_fail`; an unknown
number and a wrong code get the same answer. An SMS link may carry `?number=…&code=…`: it is
looked up like a typed one (same limits) and the secret leaves the address by the redirect.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from geo import maps
from tickets import files
from tickets.exceptions import TicketError
from tickets.models import Attachment, Ticket
from tickets.privacy import mask_name, mask_phone
from tickets.selectors import trajectory
from tickets.services import ticket_record_callback, ticket_request_reopen
from tickets.workflow import Status

from .. import presenters, ratelimit, tracking
from ..csp import public_page
from ..error_summary import error_summary
from ..forms import RateForm, ReopenForm, TrackForm


@public_page
@ratelimit.limited
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request):
    if request.method == "POST":
        form = TrackForm(data=request.POST)
    elif "number" in request.GET and "code" in request.GET:
        form = TrackForm(data={"number": request.GET["number"], "secret": request.GET["code"]})
    else:
        form = TrackForm(initial={"number": request.GET.get("number", "")})
    if form.is_bound and form.is_valid():
        ratelimit.check(request, "track_fail")
        ratelimit.hit(request, "track")
        ticket = tracking.find_ticket(form.cleaned_data["number"], form.cleaned_data["secret"])
        if ticket is not None:
            tracking.remember(request.session, ticket.number)
            return redirect("track_detail", number=ticket.number)
        ratelimit.record(request, "track_fail")
        form.add_error(
            None,
            _(
                "No ticket matches this number and access code or mobile number. Check both "
                "and try again, or call 12345."
            ),
        )
    summary = error_summary(form) if form.is_bound else []
    return render(request, "portal/track_lookup.html", {"form": form, "error_summary": summary})


def _ticket(number) -> Ticket | None:
    return (
        Ticket.objects.select_related(
            "category__parent__parent",
            "district",
            "street",
            "community",
            "lead_unit",
            *maps.TICKET_RELATED,
        )
        .filter(number=number)
        .first()
    )


def _allowed(request, number):
    """The ticket, if this browser looked it up; else a redirect to the look-up form."""
    ticket = _ticket(number) if tracking.may_view(request.session, number) else None
    if ticket is None:
        return None, redirect(f"{reverse('track')}?{urlencode({'number': number})}")
    return ticket, None


def _detail(request, ticket, *, rate_form=None, reopen_form=None):
    last_callback = ticket.callbacks.filter(round=ticket.round).order_by("-recorded_at").first()
    can_rate = ticket.status == Status.REPLIED and not ticket.anonymous
    can_reopen = (
        ticket.status == Status.CLOSED
        and ticket.reopen_requested_at is None
        and last_callback is not None
        and last_callback.valid
        and last_callback.solved is False
    )
    if can_rate and rate_form is None:
        rate_form = RateForm()
    if can_reopen and reopen_form is None:
        reopen_form = ReopenForm()
    bound = [form for form in (rate_form, reopen_form) if form is not None and form.is_bound]
    context = {
        "ticket": ticket,
        "photos": list(ticket.attachments.filter(public=True).only("pk", "original_name")),
        "contact_name": mask_name(ticket.contact_name),
        "contact_phone": mask_phone(ticket.contact_phone),
        "steps": presenters.timeline(trajectory(ticket, public_only=True)),
        "deadlines": presenters.deadlines(ticket, timezone.now()),
        "last_callback": last_callback,
        "rate_form": rate_form if can_rate else None,
        "reopen_form": reopen_form if can_reopen else None,
        "error_summary": error_summary(*bound),
        # The place's outline, and the resident's own point: this page is theirs (it shows
        # their description, address and photos to the browser that proved the access code).
        "map_features": maps.ticket_features(ticket, show_point=True),
        "map_config": maps.config(),
        "map_label": _("The place of the ticket on a map"),
    }
    return render(request, "portal/track_detail.html", context)


@public_page
@require_safe
def detail(request, number):
    ticket, refusal = _allowed(request, number)
    return refusal or _detail(request, ticket)


@require_safe
def photo(request, number, attachment_id):
    """One of the ticket's photos shown to the resident, for the browser that looked it up."""
    if not tracking.may_view(request.session, number):
        raise Http404
    attachment = (
        Attachment.objects.filter(pk=attachment_id, ticket__number=number, public=True)
        .only("pk", "file", "content_type")
        .first()
    )
    if attachment is None:
        raise Http404
    return files.response(attachment)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request, number):
    ticket, refusal = _allowed(request, number)
    if refusal or request.method != "POST":  # e.g. the language switch returning here
        return refusal or redirect("track_detail", number=number)
    form = RateForm(data=request.POST)
    if not form.is_valid():
        return _detail(request, ticket, rate_form=form)
    try:
        ticket_record_callback(ticket_id=ticket.pk, actor=None, reachable=True, **form.cleaned_data)
    except ValidationError as error:
        for field, field_errors in error.message_dict.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
        return _detail(request, ticket, rate_form=form)
    except TicketError as error:
        messages.error(request, error.message)
        return redirect("track_detail", number=number)
    messages.success(request, _("Thank you: your rating is recorded."))
    return redirect("track_detail", number=number)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def reopen(request, number):
    ticket, refusal = _allowed(request, number)
    if refusal or request.method != "POST":
        return refusal or redirect("track_detail", number=number)
    form = ReopenForm(data=request.POST)
    if not form.is_valid():
        return _detail(request, ticket, reopen_form=form)
    try:
        ticket_request_reopen(ticket_id=ticket.pk, actor=None, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            form.add_error("reason", message)
        return _detail(request, ticket, reopen_form=form)
    except TicketError as error:
        messages.error(request, error.message)
        return redirect("track_detail", number=number)
    messages.success(
        request,
        _("Your request is sent: the hotline will look at the ticket again and contact you."),
    )
    return redirect("track_detail", number=number)
