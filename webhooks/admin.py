"""Webhook subscriptions (per API client), their deliveries with the log of attempts, and
redelivery. The signing secret is shown on the subscription's page: the client needs it to
verify signatures, and staff who manage clients may read it."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.changes import EVENT_TYPES

from . import receivers, services, tasks
from .models import Attempt, Delivery, Subscription


class SubscriptionForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=[(t, t) for t in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None chosen: every type."),
    )

    class Meta:
        model = Subscription
        fields = ["client", "url", "event_types", "language"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = [
        "client",
        "url",
        "state",
        "consecutive_failures",
        "last_success_at",
        "created_at",
    ]
    list_filter = ["is_active", "client"]
    list_select_related = ["client"]
    search_fields = ["url", "client__name"]
    readonly_fields = [
        "secret",
        "previous_secret_until",
        "state",
        "disabled_at",
        "disabled_reason",
        "notice_sent_at",
        "consecutive_failures",
        "failing_since",
        "last_success_at",
        "created_at",
    ]
    actions = ["enable", "disable", "rotate_secret", "skip_to_now"]

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.is_active:
            return _("switched on")
        if obj.disabled_at:
            return _("switched off after failing")
        return _("switched off")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.subscription_create(
            client=form.cleaned_data["client"],
            url=form.cleaned_data["url"],
            event_types=form.cleaned_data["event_types"],
            language=form.cleaned_data["language"],
        )
        obj.pk, obj.secret = created.pk, created.secret
        obj._state.adding = False
        receivers.forget()

    def has_delete_permission(self, request, obj=None):
        return False  # its deliveries are the log: switch it off instead

    @admin.action(description=_("Switch on (pending and missed events follow)"))
    def enable(self, request, queryset):
        for subscription in queryset:
            services.subscription_enable(subscription=subscription)
        receivers.forget()
        tasks.enqueue(tasks.sweep)

    @admin.action(description=_("Switch off"))
    def disable(self, request, queryset):
        for subscription in queryset:
            services.subscription_disable(subscription=subscription)

    @admin.action(description=_("New signing secret (the old one signs for 24 more hours)"))
    def rotate_secret(self, request, queryset):
        for subscription in queryset:
            services.subscription_rotate_secret(subscription=subscription)
        messages.info(request, _("Give the client the new secret shown on each subscription."))

    @admin.action(description=_("Skip the changes not yet sent for (from now on only)"))
    def skip_to_now(self, request, queryset):
        for subscription in queryset:
            services.subscription_skip_to_now(subscription=subscription)


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["started_at", "duration_ms", "status_code", "error", "response_excerpt", "manual"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "subscription",
        "event_type",
        "ticket_number",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "event_type", "subscription"]
    list_select_related = ["subscription__client", "ticket"]
    search_fields = ["=ticket__number"]
    show_full_result_count = False
    fields = [
        "subscription",
        "message_id",
        "event_type",
        "ticket_number",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "sent_at",
        "created_at",
        "payload",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.display(description=_("ticket"))
    def ticket_number(self, obj):
        return obj.ticket.number

    @admin.display(description=_("webhook-id"))
    def message_id(self, obj):
        return obj.message_id

    @admin.display(description=_("body"))
    def payload(self, obj):
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.body)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again (same webhook-id)"), permissions=["change"])
    def redeliver(self, request, queryset):
        count = services.deliveries_redeliver(queryset.values_list("pk", flat=True))
        tasks.enqueue(tasks.sweep)
        self.message_user(
            request,
            ngettext("%d delivery will be sent again.", "%d deliveries will be sent again.", count)
            % count,
        )
