"""The knowledge base in the staff admin: articles (edited through `knowledge.services`), their
versions (read-only), and the article picker that the answer-directly forms use."""

from . import article  # noqa: F401  (registers the ModelAdmins)
