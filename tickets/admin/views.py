"""The ticket page and the admin views around it. Each view takes the TicketAdmin (`ma`) so it
shares its scope (`ma.scoped_ticket`, `ma.get_queryset`) and the admin's context."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.http.response import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.models import Department, Region
from geo import maps
from portal import replica

from .. import deidentify, files, permissions, publication, rules, selectors, services, workflow
from ..contact import contact_for
from ..exceptions import RuleViolation, TicketError
from ..models import Category, Ticket, UrgencyClass
from ..workflow import Action, Status
from .forms import ACTION_FORMS, PublicationForm

# -- the ticket page ---------------------------------------------------------------------------


def _available(request, ticket) -> list[Action]:
    return permissions.available_actions(request.user, ticket, facts=ticket.facts)


def _context(ma, request, ticket, **extra):
    actions = _available(request, ticket)
    may_phone, may_name = permissions.contact_visibility(request.user, ticket)
    return {
        **ma.admin_site.each_context(request),
        "opts": ma.opts,
        "title": _("Ticket %(number)s") % {"number": ticket.number},
        "ticket": ticket,
        "actions": [
            (
                a,
                a.label,
                reverse("admin:tickets_ticket_act", args=[ticket.pk, a.value.replace("_", "-")]),
            )
            for a in actions
        ],
        "contact": contact_for(request.user, ticket, reveal=extra.pop("reveal", False)),
        "may_reveal": may_phone or may_name,
        "deadlines": _deadlines(ticket),
        **extra,
    }


def _deadlines(ticket):
    """(label, deadline, done at, state) for each clock that has started; while the ticket
    waits for its lead unit to sign, also the end of that unit's return window (a limit on the
    unit's right to send it back, not work that can be late: "passed" rather than "overdue")."""
    now = timezone.now()
    rows = [
        (_("accept"), ticket.accept_due_at, ticket.accepted_at),
        (_("dispatch"), ticket.dispatch_due_at, ticket.dispatched_at),
        (_("first contact"), ticket.response_due_at, ticket.contacted_at),
        (_("reply"), ticket.reply_due_at, ticket.replied_at),
        (_("callback"), ticket.callback_due_at, ticket.closed_at if ticket.replied_at else None),
    ]
    result = []
    for label, due, done in rows:
        if due is None:
            continue
        if done is not None:
            state = "met" if done <= due else "late"
        else:
            state = "overdue" if due < now else "running"
        result.append((label, due, done, state))
    lead = ticket.facts.lead
    if ticket.status == Status.DISPATCHED and lead is not None and lead.return_due_at:
        state = "passed" if lead.return_due_at < now else "running"
        dispatch_rows = [i for i, row in enumerate(result) if row[1] is ticket.dispatch_due_at]
        after_dispatch = dispatch_rows[0] + 1 if dispatch_rows else 0
        result.insert(after_dispatch, (_("return allowed until"), lead.return_due_at, None, state))
    return result


def _load(ma, request, object_id) -> Ticket:
    """The scoped ticket with its assignments and extension requests, and the rules' facts
    built from them (so the buttons cost no further queries)."""
    ticket = ma.scoped_ticket(request, object_id)
    ticket.prefetched_assignments = list(
        ticket.assignments.select_related("unit").order_by("-dispatched_at", "role")
    )
    ticket.prefetched_extensions = list(ticket.extensions.order_by("-requested_at"))
    ticket.facts = rules.Facts(
        ticket, assignments=ticket.prefetched_assignments, extensions=ticket.prefetched_extensions
    )
    return ticket


def ticket_page(ma, request, object_id, *, reveal=False):
    ticket = _load(ma, request, object_id)
    attachments = list(ticket.attachments.all())
    context = _context(
        ma,
        request,
        ticket,
        reveal=reveal,
        events=list(ticket.events.select_related("unit").order_by("-created_at", "-pk")),
        attachments=attachments,
        public_description=publication.description(ticket),
        published_photos=[a for a in attachments if a.published],
        may_publish=permissions.may_decide_publication(request.user),
        extensions=ticket.prefetched_extensions,
        callbacks=list(ticket.callbacks.select_related("unit").order_by("-recorded_at")),
        pending_extension=ticket.facts.pending_extension,
        # Staff in the ticket's scope see the resident's point with the place's outline.
        map_features=maps.ticket_features(ticket, show_point=True),
        map_config=maps.config(),
        map_label=_("The ticket's place and map point"),
    )
    return TemplateResponse(request, "admin/tickets/ticket/ticket.html", context)


# -- actions -------------------------------------------------------------------------------------


def action_view(ma):
    def view(request, object_id, action):
        try:
            action = Action(action.replace("-", "_"))
        except ValueError:
            raise Http404 from None
        if action not in ACTION_FORMS:
            raise Http404
        ticket = _load(ma, request, object_id)
        page = reverse("admin:tickets_ticket_change", args=[ticket.pk])
        if action not in _available(request, ticket):
            # Say why when it is the ticket's state (e.g. the return window has passed).
            reason = (
                workflow.is_allowed(ticket.status, action)
                and permissions.can(
                    request.user, ticket, action, active_unit_ids=ticket.facts.active_unit_ids
                )
                and rules.refusal(ticket, action, ticket.facts, now=timezone.now())
            )
            messages.error(
                request, reason or _("This action is not available to you on this ticket now.")
            )
            return redirect(page)
        form_class = ACTION_FORMS[action]
        form = form_class(request.POST or None, ticket=ticket, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                form.perform()
            except ValidationError as error:
                form.apply_service_errors(error)
            except TicketError as error:
                messages.error(request, str(error.message))
                return redirect(page)
            else:
                messages.success(
                    request,
                    _("%(action)s: done for ticket %(number)s.")
                    % {"action": action.label, "number": ticket.number},
                )
                return redirect(page)
        context = _context(
            ma,
            request,
            ticket,
            form=form,
            action=action,
            action_label=action.label,
            candidates=(
                selectors.duplicate_candidates(ticket) if action == Action.CLOSE_AT_INTAKE else ()
            ),
            pending_extension=(
                ticket.facts.pending_extension if action == Action.DECIDE_EXTENSION else None
            ),
        )
        context["title"] = f"{action.label} · {ticket.number}"
        return TemplateResponse(request, "admin/tickets/ticket/action.html", context)

    return view


def bulk_dispatch(ma, request, queryset, form_class, *, suggested: bool = False):
    """The "dispatch selected" actions: all to the one unit chosen on the form, or (`suggested`)
    each to the unit the dispatch catalogue suggested for it. Each ticket goes through the service
    (its own transaction), so one refusal does not stop the others."""
    tickets = queryset.select_related(None).select_related("suggested_unit")
    action_name = "dispatch_to_suggested" if suggested else "dispatch_selected"
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            done, refused = 0, []
            for ticket in tickets:
                lead = ticket.suggested_unit if suggested else form.cleaned_data["lead"]
                try:
                    if lead is None:
                        raise RuleViolation(_("The dispatch catalogue suggested no unit."))
                    services.ticket_dispatch(
                        ticket_id=ticket.pk,
                        actor=request.user,
                        lead=lead,
                        note=form.cleaned_data["note"],
                    )
                    done += 1
                except (TicketError, ValidationError) as error:
                    message = getattr(error, "message", None) or "; ".join(error.messages)
                    refused.append(f"{ticket.number}: {message}")
            if done:
                messages.success(request, _("%(n)d tickets dispatched.") % {"n": done})
            for line in refused:
                messages.error(request, line)
            return None
    else:
        form = form_class()
    context = {
        **ma.admin_site.each_context(request),
        "opts": ma.opts,
        "title": _("Dispatch selected tickets"),
        "form": form,
        "suggested": suggested,
        "tickets": tickets[:200],
        "selected": request.POST.getlist("_selected_action"),
        "action_name": action_name,
    }
    return TemplateResponse(request, "admin/tickets/ticket/bulk_dispatch.html", context)


# -- personal data -------------------------------------------------------------------------------


def reveal_view(ma):
    @require_POST
    def view(request, object_id):
        ticket = ma.scoped_ticket(request, object_id)
        may_phone, may_name = permissions.contact_visibility(request.user, ticket)
        if not (may_phone or may_name):
            raise PermissionDenied
        return ticket_page(ma, request, object_id, reveal=True)  # contact_for logs it

    return view


def attachment_view(ma):
    def view(request, object_id, attachment_id):
        ticket = ma.scoped_ticket(request, object_id)
        attachment = ticket.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return files.response(attachment)

    return view


# -- open data ---------------------------------------------------------------------------------


def publication_view(ma):
    """What open data shows of the ticket: the description's mode, a summary, the photos."""

    def view(request, object_id):
        ticket = ma.scoped_ticket(request, object_id)
        if not permissions.may_decide_publication(request.user):
            raise PermissionDenied
        page = reverse("admin:tickets_ticket_change", args=[ticket.pk])
        form = PublicationForm(request.POST or None, ticket=ticket)
        if request.method == "POST" and form.is_valid():
            try:
                form.perform(request.user)
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("What open data shows of this ticket is saved."))
                return redirect(page)
        context = {
            **ma.admin_site.each_context(request),
            "opts": ma.opts,
            "title": _("Open data · %(number)s") % {"number": ticket.number},
            "ticket": ticket,
            "form": form,
            "scrubbed": deidentify.scrub(ticket.description),
            "published_now": publication.description(ticket),
            "default_shows": publication.default_shows_description(ticket),
            "photos": list(ticket.attachments.order_by("created_at", "pk")),
        }
        return TemplateResponse(request, "admin/tickets/ticket/publication.html", context)

    return view


# -- export --------------------------------------------------------------------------------------

EXPORT_BATCH = 2000  # rows per database fetch and per chunk sent
EXPORT_COLUMNS = [
    ("number", _("ticket number")),
    ("submitted_at", _("submitted at")),
    ("channel", _("channel")),
    ("kind", _("kind of demand")),
    ("category_id", _("category")),
    ("district_id", _("district")),
    ("street_id", _("street")),
    ("community_id", _("community")),
    ("lead_unit_id", _("lead unit")),
    ("status", _("status")),
    ("urgency_id", _("urgency")),
    ("due_at", _("next deadline")),
    ("reply_due_at", _("reply by")),
    ("replied_at", _("replied at")),
    ("closed_at", _("closed at")),
    ("outcome", _("outcome")),
    ("supervised", _("supervised")),
]


def export_view(ma):
    """The filtered list as CSV, streamed row by row (a server-side cursor on PostgreSQL), so
    half a million rows cost neither memory nor a timeout. De-identified: no names, numbers or
    addresses; places no finer than the community."""

    @replica.reads
    def view(request):
        if not ma.has_view_permission(request):
            raise PermissionDenied
        changelist = ma.get_changelist_instance(request)
        # Bound now: the rows are read while the response streams, after the view returned.
        alias = replica.alias_for_reads()
        queryset = changelist.get_queryset(request).using(alias)
        rows = queryset.values_list(*[f for f, _label in EXPORT_COLUMNS]).iterator(
            chunk_size=EXPORT_BATCH
        )
        # Names, labels and the time zone resolved once, not per row: the export reads the
        # ticket table alone (no joins), and the small reference tables come from memory.
        labels = {
            name: {key: str(label) for key, label in Ticket._meta.get_field(name).flatchoices}
            for name in ("status", "kind", "channel", "outcome")
        }
        categories = dict(Category.objects.values_list("pk", "name"))
        regions = dict(Region.objects.values_list("pk", "name"))
        units = dict(Department.objects.values_list("pk", "name"))
        urgencies = dict(UrgencyClass.objects.values_list("pk", "name"))
        tz = timezone.get_current_timezone()

        def local(value):
            return value.astimezone(tz).isoformat(" ", "minutes")[:16] if value else ""

        def lines():
            # In a transaction, the server-side cursor lives in it (no WITH HOLD copy at the
            # first commit), which also keeps it on one server connection behind PgBouncer.
            with transaction.atomic(using=alias):
                yield from rows_as_csv()

        def rows_as_csv():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            buffer.write("\ufeff")  # a BOM, so spreadsheet programs read the Chinese as UTF-8
            writer.writerow([str(label) for _f, label in EXPORT_COLUMNS])
            for n, row in enumerate(rows, 1):
                (number, submitted, channel, kind, category, district, street, community,
                 unit, status, urgency, due, reply_due, replied, closed, outcome,
                 supervised) = row  # fmt: skip
                writer.writerow(
                    [number, local(submitted), labels["channel"].get(channel, channel),
                     labels["kind"].get(kind, kind), categories.get(category, ""),
                     regions.get(district, ""), regions.get(street, ""),
                     regions.get(community, ""), units.get(unit, ""),
                     labels["status"].get(status, status), urgencies.get(urgency, ""),
                     local(due), local(reply_due), local(replied), local(closed),
                     labels["outcome"].get(outcome, outcome), "1" if supervised else ""]
                )  # fmt: skip
                if n % EXPORT_BATCH == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
        return response

    return view
