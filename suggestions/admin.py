"""The classifier's versions with their held-out accuracy (switch one off to roll back), and the
records of what the suggestions showed. Training is `manage.py train_classifier` or the nightly
task, never a form."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ClassifierModel, SuggestionRecord


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1%}"


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "trained_at",
        "is_active",
        "history_samples",
        "seed_samples",
        "knowledge_samples",
        "categories",
        "heldout_samples",
        "top1_shown",
        "top3_shown",
        "training_seconds",
        "size_shown",
    ]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    fields = [
        "is_active",
        "trained_at",
        "history_samples",
        "seed_samples",
        "knowledge_samples",
        "categories",
        "heldout_samples",
        "top1_shown",
        "top3_shown",
        "features",
        "training_seconds",
        "parameters",
        "size_shown",
    ]
    readonly_fields = [f for f in fields if f != "is_active"]

    @admin.display(description=_("version"), ordering="pk")
    def version(self, obj):
        return obj.pk

    @admin.display(description=_("held-out top-1"), ordering="top1")
    def top1_shown(self, obj):
        return _percent(obj.top1)

    @admin.display(description=_("held-out top-3"), ordering="top3")
    def top3_shown(self, obj):
        return _percent(obj.top3)

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, obj):
        return f"{obj.size / 1e6:.1f} MB"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")  # megabytes per row, never shown

    def has_add_permission(self, request):
        return False


@admin.register(SuggestionRecord)
class SuggestionRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ticket", "action", "chosen", "rank", "model_version", "actor"]
    list_filter = ["action", "rank", "model_version"]
    list_select_related = ["ticket", "chosen__parent__parent", "actor"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SuggestionRecord._meta.fields]
    raw_id_fields = ["ticket"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
