"""Staff work in the admin (issue 4). Modules by job:

- `ticket`: the ticket list and ticket page, the action forms' views, reveal, export, intake;
- `filters`, `paginator`: the changelist's filters and a paginator that never counts a table;
- `forms`: one form per workflow action;
- `reference`: taxonomy, urgency classes and read-only child rows;
- `outbox`: the notification outbox and each user's reminders (issue 6).
"""

from . import outbox, reference, ticket  # noqa: F401  (registers the ModelAdmins)
