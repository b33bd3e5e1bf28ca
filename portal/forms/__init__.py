"""Forms of the residents' site: submission (two steps) and tracking (look-up, rating, reopening).

They check what the page needs (a choice made, consent given, the form's limits); the ticket
rules themselves are `tickets.validation`'s, run before submitting by `check_intake` (so a page
shows all its errors at once) and again by `tickets.services`, whose field errors the views put
back on these forms with `attach_errors`.
"""

from .submission import DetailsForm, WhereForm, attach_errors, check_intake
from .tracking import RateForm, ReopenForm, TrackForm

__all__ = [
    "DetailsForm",
    "RateForm",
    "ReopenForm",
    "TrackForm",
    "WhereForm",
    "attach_errors",
    "check_intake",
]
