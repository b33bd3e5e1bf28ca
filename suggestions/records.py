"""What the suggestions showed, carried from the endpoint to the service that classifies the
ticket, and recorded there beside the category chosen.

The suggestions endpoint answers with a `token`: the classifier version and the categories and
scores it showed, signed with the site's secret (`django.core.signing`), so a record holds what
the suggestions really showed, not what a client claims. The desk passes the token back with the
ticket; `tickets.services.ticket_create_from_call` and `ticket_accept` take it as
`suggestion=…`, check it before writing anything (a token that does not verify is a
`ValidationError` on `suggestion`) and call `record` in their own transaction.
"""

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import SuggestionRecord

SALT = "suggestions.shown"
TOKEN_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Shown:
    """The categories shown, best first: (code, score) pairs, and the classifier version."""

    version: int | None
    categories: tuple[tuple[str, float], ...]

    def token(self) -> str:
        categories = [[code, round(score, 4)] for code, score in self.categories]
        payload = {"v": self.version, "c": categories}
        return signing.dumps(payload, salt=SALT, compress=True)

    def rank_of(self, code: str) -> int | None:
        """1 for the first suggestion, … ; None when `code` was not suggested."""
        codes = [c for c, _score in self.categories]
        return codes.index(code) + 1 if code in codes else None


def shown_from_token(token: str) -> Shown:
    """The suggestion a token carries, or ValidationError naming the `suggestion` field."""
    invalid = ValidationError(
        {"suggestion": _("This is not a suggestion the portal showed; ask for new suggestions.")}
    )
    if not isinstance(token, str) or len(token) > TOKEN_MAX_LENGTH:
        raise invalid
    try:
        payload = signing.loads(token, salt=SALT)
        version = payload["v"]
        categories = tuple((str(code), float(score)) for code, score in payload["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise invalid from error
    return Shown(version=version if isinstance(version, int) else None, categories=categories)


def record(*, ticket, shown: Shown, action: str, actor) -> SuggestionRecord:
    """Store what was shown for `ticket` beside the category it was given (its final one at this
    step), inside the caller's transaction."""
    return SuggestionRecord.objects.create(
        ticket=ticket,
        action=action,
        model_version=shown.version,
        suggested=[{"code": code, "score": score} for code, score in shown.categories],
        chosen=ticket.category,
        rank=shown.rank_of(ticket.category.code),
        actor=actor,
    )
