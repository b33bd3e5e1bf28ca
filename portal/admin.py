from django.contrib import admin

from .models import Citizen


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Residents' contact details: hotline staff only (the model permission decides)."""

    list_display = ["__str__", "created_at"]
    search_fields = ["=phone"]
    readonly_fields = ["created_at"]
    show_full_result_count = False
