"""Checking a demand before it is stored. Every error names its field (ValidationError dict)."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from departments.models import Region
from geo.coords import CoordSystem, to_wgs84

from . import lookups
from .models import Category, Channel, Kind
from .phones import normalize_phone


def missing(message=None) -> ValidationError:
    """A required value left out: code `required`, which the API reports with the field."""
    return ValidationError(message or _("This field is required."), code="required")


def _lookup(model, by_code, by_pk, value, errors, field, message):
    """A row by code (a string; region codes are digits too), else by primary key."""
    if value is None or value == "":
        errors[field] = [missing()]
        return None
    if isinstance(value, model):
        return value
    found = None
    if isinstance(value, str):
        found = by_code(value)
    if found is None and str(value).isdigit():
        found = by_pk(int(value))
    if found is None:
        errors[field] = [message]
    return found


def clean_category(value, errors, field="category") -> Category | None:
    category = _lookup(
        Category, lookups.category, lookups.category_by_pk, value, errors, field,
        _("Unknown category."),
    )  # fmt: skip
    if category is not None and (not category.is_active or not category.is_leaf):
        errors[field] = [_("Choose a specific (third-level) category.")]
        return None
    return category


def clean_region(value, errors, field="region") -> Region | None:
    # With its lineage (tickets.lookups): the ticket stores its district, street and community.
    region = _lookup(
        Region, lookups.region, lookups.region_by_pk, value, errors, field, _("Unknown region.")
    )
    if region is not None and region.level < Region.Level.DISTRICT:
        errors[field] = [_("Choose at least the district.")]
        return None
    return region


def clean_choice(value, choices, errors, field):
    if value not in choices.values:
        errors[field] = [_("Select a valid choice.")]
        return None
    return value


def clean_description(value, errors, field="description") -> str:
    text = (value or "").strip()
    limit = settings.PORTAL_TICKET_DESCRIPTION_MAX
    if not text:
        errors[field] = [missing(_("Describe the problem."))]
    elif len(text) > limit:
        errors[field] = [
            _("Keep the description within %(limit)d characters (it has %(count)d).")
            % {"limit": limit, "count": len(text)}
        ]
    return text


def _clean_coordinate(value, low, high, errors, field):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite():  # NaN and infinity parse, but are no place on earth
            raise InvalidOperation
        number = number.quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return None
    if not low <= number <= high:
        errors[field] = [_("Out of range.")]
        return None
    return number


def clean_point(data: dict, errors: dict) -> tuple[Decimal | None, Decimal | None]:
    """The map point in WGS-84: `latitude`/`longitude` in `coord_system` (wgs84 by default;
    gcj02 and bd09, as Chinese map SDKs report, are converted), both or neither."""
    system = data.get("coord_system") or CoordSystem.WGS84
    if system not in CoordSystem.values:
        errors["coord_system"] = [_("Give wgs84, gcj02 or bd09.")]
    lat = _clean_coordinate(data.get("latitude"), -90, 90, errors, "latitude")
    lon = _clean_coordinate(data.get("longitude"), -180, 180, errors, "longitude")
    if (lat is None) != (lon is None) and not ({"latitude", "longitude"} & errors.keys()):
        errors["longitude" if lon is None else "latitude"] = [
            _("Give both latitude and longitude, or neither.")
        ]
    if lat is None or lon is None or errors.keys() & {"latitude", "longitude", "coord_system"}:
        return lat, lon
    if system != CoordSystem.WGS84:
        wgs_lat, wgs_lon = to_wgs84(float(lat), float(lon), system)
        lat, lon = (Decimal(f"{v:.6f}") for v in (wgs_lat, wgs_lon))
    return lat, lon


def region_at_point(lat, lon, errors, field="region") -> Region | None:
    """The finest region whose boundary holds the WGS-84 point (a demand given by its point
    alone); outside every boundary, an error on `field` that says so."""
    from geo.index import has_boundaries, place_at

    region = place_at(lat, lon)
    if region is None:
        if has_boundaries():
            message = _(
                "The point %(lat)s, %(lon)s (WGS-84) lies outside every district, street and "
                "community this hotline has boundaries for: give the region as well."
            ) % {"lat": lat, "lon": lon}
        else:
            message = _(
                "This hotline has no boundaries to place a point in: give the region "
                "(district or finer)."
            )
        errors[field] = [message]
    return region


def clean_intake(
    data: dict, *, description_optional: bool = False, email_suffices: bool = False
) -> dict:
    """Validate a new demand from any channel; return cleaned values or raise ValidationError.

    The region may be left out when a map point is given: the point's place is looked up in
    the boundaries (`geo.index.place_at`).
    `description_optional`: the caller answered the category's questions, which may stand for
    the description (GeoReport v2: a request needs a description or the answers).
    `email_suffices`: a named demand may give an e-mail address instead of a telephone number
    (GeoReport v2 has both optional); notices then go by e-mail.
    """
    errors: dict[str, list] = {}
    description = data.get("description")
    if description_optional and not (description or "").strip():
        description = ""
    else:
        description = clean_description(description, errors)
    latitude, longitude = clean_point(data, errors)
    if data.get("region") in (None, "") and latitude is not None and longitude is not None:
        region = region_at_point(latitude, longitude, errors)
    else:
        region = clean_region(data.get("region"), errors)
    cleaned = {
        "channel": clean_choice(data.get("channel"), Channel, errors, "channel"),
        "kind": clean_choice(data.get("kind"), Kind, errors, "kind"),
        "category": clean_category(data.get("category"), errors),
        "region": region,
        "description": description,
        "address": (data.get("address") or "").strip(),
        "latitude": latitude,
        "longitude": longitude,
        "anonymous": bool(data.get("anonymous")),
        "confidential": bool(data.get("confidential")),
        "contact_name": (data.get("contact_name") or "").strip(),
        "contact_phone": "",
        "contact_email": (data.get("contact_email") or "").strip(),
    }
    if len(cleaned["address"]) > 200:
        errors["address"] = [_("Keep the address within 200 characters.")]
    if cleaned["anonymous"]:
        # Anonymous means no contact details are kept at all (DESIGN.md §7).
        cleaned.update(contact_name="", contact_email="", confidential=False)
    else:
        phone_given = bool((data.get("contact_phone") or "").strip())
        if phone_given or not (email_suffices and cleaned["contact_email"]):
            try:
                cleaned["contact_phone"] = normalize_phone(data.get("contact_phone"))
            except ValidationError as error:
                errors["contact_phone"] = error.messages
            if not phone_given:  # not a wrong number: a missing one
                errors["contact_phone"] = [
                    missing(
                        _(
                            "Give a telephone number the unit can call you on, or report "
                            "anonymously."
                        )
                    )
                ]
        if len(cleaned["contact_name"]) > 50:
            errors["contact_name"] = [_("Keep the name within 50 characters.")]
        if cleaned["contact_email"]:
            try:
                validate_email(cleaned["contact_email"])
            except ValidationError:
                errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def required_text(value, field, errors, message=None) -> str:
    text = (value or "").strip()
    if not text:
        errors[field] = [missing(message)]
    return text


def clean_attributes(category, answers) -> dict:
    """Answers to the category's questions (`CategoryAttribute`), keyed by question code.

    A list question takes one key of its choices (singlevaluelist) or a list of them
    (multivaluelist); numbers and date-times are checked and kept as text (date-times in ISO
    8601 with their offset). Required questions must be answered; informational notes
    (`variable` off) and unknown codes are refused. Errors name `attributes[<code>]`.
    """
    from django.utils.dateparse import parse_datetime

    from .models import CategoryAttribute

    answers = dict(answers or {})
    if not answers and getattr(category, "has_questions", None) is False:
        return {}  # the caller looked it up with the annotation: nothing to ask, nothing given
    DataType = CategoryAttribute.DataType
    errors: dict[str, list] = {}
    cleaned: dict = {}
    questions = {q.code: q for q in category.attributes.all()} if category else {}
    for code in answers:
        question = questions.get(code)
        if question is None or not question.variable:
            errors[f"attributes[{code}]"] = [_("This category asks no such question.")]
    for code, question in questions.items():
        if not question.variable:
            continue
        field = f"attributes[{code}]"
        value = answers.get(code)
        values = value if isinstance(value, list | tuple) else [value]
        values = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
        if not values:
            if question.required:
                errors[field] = [missing(_("This question must be answered."))]
            continue
        keys = {str(choice.get("key")) for choice in question.values or []}
        if question.datatype == DataType.MULTI_VALUE_LIST:
            if not set(values) <= keys:
                errors[field] = [_("Choose among the listed values.")]
            else:
                cleaned[code] = list(dict.fromkeys(values))
            continue
        if len(values) > 1:
            errors[field] = [_("Give one value.")]
            continue
        (text,) = values
        if question.datatype == DataType.SINGLE_VALUE_LIST and text not in keys:
            errors[field] = [_("Choose one of the listed values.")]
        elif question.datatype == DataType.NUMBER:
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                errors[field] = [_("Enter a number.")]
            else:
                cleaned[code] = text
        elif question.datatype == DataType.DATETIME:
            try:
                moment = parse_datetime(text)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                errors[field] = [
                    _("Enter a date and time with its offset, e.g. 2026-11-26T09:30:00+08:00.")
                ]
            else:
                cleaned[code] = moment.isoformat()
        elif question.datatype == DataType.STRING and ("\n" in text or len(text) > 200):
            errors[field] = [_("Enter one line of at most 200 characters.")]
        elif len(text) > settings.PORTAL_TICKET_DESCRIPTION_MAX:
            errors[field] = [_("This answer is too long.")]
        else:
            cleaned[code] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def describe_answers(category, answers: dict) -> str:
    """The answers to the category's questions as a description, one line per question:
    `question: answer` (a list question's answers by their names)."""
    lines = []
    for question in category.attributes.all() if answers else ():
        value = answers.get(question.code)
        if value in (None, "", []):
            continue
        names = {str(c.get("key")): str(c.get("name")) for c in question.values or []}
        values = value if isinstance(value, list) else [value]
        shown = "、".join(names.get(str(v), str(v)) for v in values)
        lines.append(f"{question.description}：{shown}")
    return "\n".join(lines)
