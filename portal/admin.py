from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.phones import phone_or_none

from .models import Citizen


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Residents' contact details: hotline staff only (the model permission decides)."""

    list_display = ["__str__", "created_at"]
    search_fields = ["=phone"]
    search_help_text = _("A phone number (mobile or landline), typed any way.")
    readonly_fields = ["created_at"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # Stored in one normal form (tickets.phones): "(010) 6512 3456" finds 010-65123456.
        if not search_term.strip():
            return queryset, False
        phone = phone_or_none(search_term)
        if phone is None:
            return queryset.none(), False
        return queryset.filter(phone=phone), False
