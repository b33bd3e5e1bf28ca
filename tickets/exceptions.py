"""Domain errors raised by the ticket services.

Callers translate them: a form or admin message, or an HTTP status in the API (`http_status`).
Bad input itself is reported as django.core.exceptions.ValidationError naming the field.
"""

from django.utils.translation import gettext_lazy as _


class TicketError(Exception):
    """Base class: the request was understood but the ticket's rules refuse it."""

    http_status = 409
    code = "ticket_error"

    def __init__(self, message=None):
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))

    default_message = _("This action is not possible for this ticket.")


class TransitionNotAllowed(TicketError):
    """The action is not allowed from the ticket's current status."""

    code = "transition_not_allowed"
    default_message = _("This action is not allowed in the ticket's current status.")


class RuleViolation(TicketError):
    """The status allows the action but a rule forbids it (e.g. the return window has passed)."""

    code = "rule_violation"


class NotPermitted(TicketError):
    """The actor may not take this action on this ticket."""

    http_status = 403
    code = "not_permitted"
    default_message = _("You may not take this action on this ticket.")
