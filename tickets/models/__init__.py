"""Ticket models, split by noun. Import them from here: `from tickets.models import Ticket`."""

from .attachment import Attachment
from .event import TicketEvent
from .handling import Assignment, Callback, Extension
from .notification import Notification, Reminder
from .taxonomy import Category, CategoryAttribute, UrgencyClass
from .ticket import (
    Channel,
    DescriptionPublication,
    Kind,
    Outcome,
    Ticket,
    TicketNumberCounter,
)

__all__ = [
    "Assignment",
    "Attachment",
    "Callback",
    "Category",
    "CategoryAttribute",
    "Channel",
    "DescriptionPublication",
    "Extension",
    "Kind",
    "Notification",
    "Outcome",
    "Reminder",
    "Ticket",
    "TicketEvent",
    "TicketNumberCounter",
    "UrgencyClass",
]
