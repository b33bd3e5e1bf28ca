"""Forms of the residents' site: submission (two steps) and tracking (look-up, rating, reopening).

They check what the page needs (a choice made, consent given, the form's limits); the ticket
rules themselves are checked once, by `tickets.services`, whose field errors the views put back
on these forms with `attach_errors`.
"""

from .submission import DetailsForm, WhereForm, attach_errors
from .tracking import RateForm, ReopenForm, TrackForm

__all__ = ["DetailsForm", "RateForm", "ReopenForm", "TrackForm", "WhereForm", "attach_errors"]
