"""The only writers of articles (DESIGN.md §7a).

Invariants, for every function here:
- it runs in one transaction and locks the article row before reading its status;
- it checks the workflow (`knowledge.workflow`) and the actor (`knowledge.permissions`) first;
- it saves the article and appends exactly one `ArticleVersion` holding the whole article as it
  now is, the fields that changed, who changed it, when and why (an edit that changes nothing
  writes nothing);
- the search words (`search_head`, `search_body`) are recomputed whenever the text changes.
The transactions are not durable (unlike the ticket services): the admin's change view wraps its
save in a transaction, and an edit followed by "publish" there is one unit of work.

Errors: ValidationError naming the field for bad input, `workflow.TransitionNotAllowed` for an
action the status does not allow, `tickets.exceptions.NotPermitted` for the wrong actor.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.models import Department, Region
from tickets import deidentify
from tickets.events import actor_label
from tickets.models import Category
from tickets.phones import is_mobile

from . import permissions, text, workflow
from .models import Article, ArticleUse, ArticleVersion, Audience
from .workflow import Action, Status

CONTENT_FIELDS = ("title", "body", "keywords", "owner", "audience", "effective_from", "valid_until")
RELATED_FIELDS = ("categories", "regions")
# A public article is read by anyone: it must not carry a resident's mobile or ID number.


def _personal_numbers(text: str) -> list[str]:
    """Mobile and ID numbers in an article, found by the one de-identification module
    (tickets.deidentify). Offices' landlines, e-mails and addresses are an article's business."""
    found = []
    for item in deidentify.find(text):
        digits = "".join(ch for ch in item.text if ch.isdigit())[-11:]
        if item.kind == deidentify.Kind.ID_NUMBER or (
            item.kind == deidentify.Kind.PHONE and is_mobile(digits)
        ):
            found.append(item.text)
    return found


def _clean(values: dict, errors: dict) -> dict:
    """Check and normalise the content fields present in `values`."""
    out = dict(values)
    for field, limit in (("title", 200), ("keywords", 300)):
        if field in out:
            out[field] = (out[field] or "").strip()
            if len(out[field]) > limit:
                errors[field] = [_("At most %(limit)s characters.") % {"limit": limit}]
    if "title" in out and not out["title"]:
        errors["title"] = [_("This field is required.")]
    if "body" in out:
        out["body"] = (out["body"] or "").strip()
        if not out["body"]:
            errors["body"] = [_("This field is required.")]
    if "owner" in out and not isinstance(out["owner"], Department):
        out["owner"] = Department.objects.filter(pk=out["owner"], is_active=True).first()
        if out["owner"] is None:
            errors["owner"] = [_("Choose an active unit.")]
    if "audience" in out and out["audience"] not in Audience.values:
        errors["audience"] = [_("Choose public or internal.")]
    for field in ("effective_from", "valid_until"):
        if field in out and out[field] is not None and not isinstance(out[field], date):
            errors[field] = [_("Enter a valid date.")]
    for field, model in (("categories", Category), ("regions", Region)):
        if field in out:
            given = list(out[field] or [])
            ids = {getattr(item, "pk", item) for item in given}
            found = list(model.objects.filter(pk__in=ids))
            if len(found) != len(ids):
                errors[field] = [_("Unknown choice.")]
            out[field] = found
    return out


def _check_dates(article: Article, errors: dict) -> None:
    if article.effective_from is None:
        errors["effective_from"] = [_("This field is required.")]
    elif article.valid_until is not None and article.valid_until < article.effective_from:
        errors["valid_until"] = [_("The last valid day cannot come before the first.")]


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _reindex(article: Article) -> None:
    article.search_head, article.search_body = text.index_fields(
        title=article.title, keywords=article.keywords, body=article.body
    )


def _pairs(items) -> list[list[str]]:
    return sorted([item.code, item.name] for item in items)


def _record(article: Article, *, action: Action, actor, changed: list[str], note: str, at):
    article.version += 1
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        action=action,
        status=article.status,
        title=article.title,
        body=article.body,
        keywords=article.keywords,
        categories=_pairs(article.categories.all()),
        regions=_pairs(article.regions.all()),
        owner_id=article.owner_id,
        audience=article.audience,
        effective_from=article.effective_from,
        valid_until=article.valid_until,
        changed_fields=changed,
        note=(note or "").strip(),
        changed_by=actor,
        changed_by_name=actor_label(actor),
        changed_at=at,
    )


def _lock(article_id: int) -> Article:
    return Article.objects.select_for_update().get(pk=article_id)


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str,
    owner,
    keywords: str = "",
    categories=(),
    regions=(),
    audience: str = Audience.PUBLIC,
    effective_from: date | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> Article:
    """A new draft, version 1."""
    errors: dict = {}
    values = _clean(
        {
            "title": title,
            "body": body,
            "owner": owner,
            "keywords": keywords,
            "categories": categories,
            "regions": regions,
            "audience": audience,
            "effective_from": effective_from or timezone.localdate(),
            "valid_until": valid_until,
        },
        errors,
    )
    if values.get("owner") is not None and not permissions.can_write(actor, values["owner"].pk):
        errors["owner"] = [_("You may not write articles for this unit.")]
    categories, regions = values.pop("categories", []), values.pop("regions", [])
    now = timezone.now()
    article = Article(**values, status=Status.DRAFT, created_at=now, updated_at=now)
    _check_dates(article, errors)
    _raise_if(errors)
    _reindex(article)
    article.save()
    article.categories.set(categories)
    article.regions.set(regions)
    _record(article, action=Action.CREATE, actor=actor, changed=[], note=note, at=now)
    article.save(update_fields=["version"])
    return article


@transaction.atomic
def article_update(*, article_id: int, actor, note: str = "", **changes) -> Article:
    """Change the content fields given in `changes` (any of CONTENT_FIELDS and RELATED_FIELDS).
    A published article may be corrected by a reviewer only; it stays published."""
    unknown = set(changes) - set(CONTENT_FIELDS) - set(RELATED_FIELDS)
    if unknown:
        raise TypeError(f"article_update() got unexpected fields {sorted(unknown)}")
    article = _lock(article_id)
    workflow.target(article.status, Action.EDIT)
    permissions.check(actor, article, Action.EDIT)
    errors: dict = {}
    values = _clean(changes, errors)
    owner = values.get("owner")
    if (
        owner is not None
        and owner.pk != article.owner_id
        and not permissions.can_write(actor, owner.pk)
    ):
        errors["owner"] = [_("You may not write articles for this unit.")]
    changed = []
    for field in CONTENT_FIELDS:
        if field in values and values[field] != getattr(article, field):
            setattr(article, field, values[field])
            changed.append(field)
    for field in RELATED_FIELDS:
        if field in values:
            before = set(getattr(article, field).values_list("pk", flat=True))
            if before != {item.pk for item in values[field]}:
                changed.append(field)
    _check_dates(article, errors)
    if article.status == Status.PUBLISHED:
        _check_publishable(article, errors)
    _raise_if(errors)
    if not changed:
        return article
    for field in RELATED_FIELDS:
        if field in changed:
            getattr(article, field).set(values[field])
    if {"title", "keywords", "body"} & set(changed):
        _reindex(article)
    article.updated_at = now = timezone.now()
    _record(article, action=Action.EDIT, actor=actor, changed=changed, note=note, at=now)
    article.save()
    return article


def _check_publishable(article: Article, errors: dict) -> None:
    if article.audience == Audience.PUBLIC and _personal_numbers(
        f"{article.title}\n{article.body}"
    ):
        errors.setdefault("body", []).append(
            _(
                "A public article must not contain a mobile or ID number: residents' data "
                "never goes on the public site."
            )
        )


@transaction.atomic
def article_transition(*, article_id: int, actor, action: str, note: str = "") -> Article:
    """Submit for review, publish, return to draft, withdraw, or take back to draft."""
    if action not in workflow.WORKFLOW_ACTIONS:
        raise ValueError(f"not a workflow action: {action}")
    article = _lock(article_id)
    new = workflow.target(article.status, action)
    permissions.check(actor, article, Action(action))
    errors: dict = {}
    note = (note or "").strip()
    if action in (Action.RETURN, Action.WITHDRAW) and not note:
        errors["note"] = [_("Say why, for the unit that wrote it.")]
    if action == Action.PUBLISH:
        _check_publishable(article, errors)
    _raise_if(errors)
    now = timezone.now()
    article.status = new
    article.updated_at = now
    if new == Status.PUBLISHED and article.published_at is None:
        article.published_at = now
    _record(article, action=Action(action), actor=actor, changed=["status"], note=note, at=now)
    article.save(update_fields=["status", "updated_at", "published_at", "version"])
    return article


def article_submit(*, article_id: int, actor, note: str = "") -> Article:
    return article_transition(article_id=article_id, actor=actor, action=Action.SUBMIT, note=note)


def article_publish(*, article_id: int, actor, note: str = "") -> Article:
    return article_transition(article_id=article_id, actor=actor, action=Action.PUBLISH, note=note)


def article_withdraw(*, article_id: int, actor, note: str) -> Article:
    return article_transition(article_id=article_id, actor=actor, action=Action.WITHDRAW, note=note)


def citable_article(article, *, day: date | None = None) -> Article:
    """The article an operator answers with: it must be published and in effect today.
    Raises ValidationError on `article` otherwise. Accepts an Article or its id."""
    pk = getattr(article, "pk", article)
    found = Article.objects.filter(pk=pk).first() if pk not in (None, "") else None
    if found is None:
        raise ValidationError({"article": [_("Unknown article.")]})
    day = day or timezone.localdate()
    if found.status != Status.PUBLISHED:
        raise ValidationError({"article": [_("Only a published article can answer a call.")]})
    if found.expired(day):
        raise ValidationError(
            {
                "article": [
                    _("The article expired on %(day)s: its unit must review it first.")
                    % {"day": found.valid_until.isoformat()}
                ]
            }
        )
    if not found.in_effect(day):
        raise ValidationError(
            {
                "article": [
                    _("The article is in effect only from %(day)s.")
                    % {"day": found.effective_from.isoformat()}
                ]
            }
        )
    return found


def article_record_use(*, article: Article, ticket, actor, at) -> None:
    """Count one consultation answered with `article` (inside the ticket service's
    transaction, right after its event)."""
    ArticleUse.objects.create(article=article, ticket=ticket, actor=actor, used_at=at)
    Article.objects.filter(pk=article.pk).update(usage_count=F("usage_count") + 1)
