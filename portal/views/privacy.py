"""The privacy notice (`/privacy/`) and the form to act on one's personal information
(`/privacy/request/`), whose request reaches the hotline as a ticket of its own category."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from departments.names import in_language
from tickets.models import Channel
from tickets.services import ticket_submit
from tickets.validation import clean_intake

from .. import ratelimit, tracking
from ..csp import public_page
from ..error_summary import error_summary
from ..forms.privacy import PersonalDataRequestForm, request_category
from .submit import SUBMISSION_KEY


def _handler() -> dict:
    """The deployment's privacy settings, the handler named in the reader's language."""
    configured = settings.PORTAL_PRIVACY
    return {**configured, "name": in_language(configured["handler"], configured["handler_en"])}


@public_page
@require_safe
def notice(request):
    category = request_category()
    return render(
        request,
        "portal/privacy.html",
        {
            "handler": _handler(),
            "urgency": category.urgency if category else None,
            "requests_online": category is not None,
        },
    )


@public_page
@ratelimit.limited
@require_http_methods(["GET", "HEAD", "POST"])
def personal_data_request(request):
    category = request_category()
    if request.method == "GET" or category is None:
        return _page(request, PersonalDataRequestForm(), category)
    ratelimit.hit(request, "submit")
    form = PersonalDataRequestForm(data=request.POST)
    valid = form.is_valid()
    # The ticket rules on the same values, so every error is listed at once.
    values = {
        name: form.cleaned_data.get(name, form.data.get(name, ""))
        for name in ("contact_name", "contact_phone", "contact_email")
    }
    try:
        clean_intake(
            {
                "channel": Channel.WEB,
                "kind": "help",
                "category": category,
                "region": form.cleaned_data.get("district") or form.data.get("district"),
                "description": form.description() if valid else form.data.get("details", ""),
                **values,
            }
        )
    except ValidationError as error:
        form.add_service_errors(error)
    if form.errors:
        return _page(request, form, category)
    try:
        ticket = ticket_submit(channel=Channel.WEB, **form.intake(category))
    except ValidationError as error:
        form.add_service_errors(error)
        return _page(request, form, category)
    request.session[SUBMISSION_KEY] = {"number": ticket.number, "code": ticket.access_code}
    tracking.remember(request.session, ticket.number)
    return redirect("submitted")


def _page(request, form, category):
    return render(
        request,
        "portal/privacy_request.html",
        {
            "form": form,
            "handler": _handler(),
            "requests_online": category is not None,
            "error_summary": error_summary(form) if form.is_bound else [],
            "show_errors": form.is_bound,
        },
    )
