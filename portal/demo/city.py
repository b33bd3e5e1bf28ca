"""Loading the demo city (regions, units, categories, dispatch catalogue, staff). Idempotent."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from departments.models import Department, DispatchRule, Membership, Region
from departments.roles import sync_role_groups
from tickets.defaults import ensure_urgency_classes
from tickets.models import Category, CategoryAttribute, UrgencyClass

from . import city_data as data
from .category_keywords import KEYWORDS
from .names_en import CATEGORIES, region_name_en, unit_name_en

Kind = Department.Kind
Role = Membership.Role
DEMO_PASSWORD = "demo-12345"  # printed by `make run`; demo data only


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str


def street_office_name(street_name: str) -> str:
    if street_name.endswith("乡"):
        return f"{street_name}人民政府"
    if street_name.endswith("镇"):
        return f"{street_name}人民政府"
    return f"{street_name}办事处"


@transaction.atomic
def load_city() -> list[DemoLogin]:
    ensure_urgency_classes(UrgencyClass)
    regions = _load_regions()
    units = _load_units(regions)
    _load_taxonomy_and_catalogue(units)
    return _load_staff(units)


def _upsert(model, key: dict, values: dict):
    obj, created = model.objects.get_or_create(**key, defaults=values)
    if not created and any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
    return obj


def _load_regions() -> dict[str, Region]:
    L = Region.Level
    regions = {}
    city = _upsert(
        Region,
        {"code": data.CITY[0]},
        {
            "name": data.CITY[1],
            "name_en": region_name_en(*data.CITY),
            "level": L.CITY,
            "parent": None,
        },
    )
    regions[city.code] = city
    for code, name in data.DISTRICTS:
        regions[code] = _upsert(
            Region,
            {"code": code},
            {
                "name": name,
                "name_en": region_name_en(code, name),
                "level": L.DISTRICT,
                "parent": city,
            },
        )
    for district_code, streets in data.STREETS.items():
        for street in streets:
            s = _upsert(
                Region,
                {"code": street.code},
                {
                    "name": street.name,
                    "name_en": region_name_en(street.code, street.name),
                    "level": L.STREET,
                    "parent": regions[district_code],
                },
            )
            regions[s.code] = s
            for code, name in street.communities:
                regions[code] = _upsert(
                    Region,
                    {"code": code},
                    {
                        "name": name,
                        "name_en": region_name_en(code, name),
                        "level": L.COMMUNITY,
                        "parent": s,
                    },
                )
    return regions


def _load_units(regions) -> dict[str, Department]:
    units: dict[str, Department] = {}
    defined = data.all_units()
    # Parents first: everything without a parent, then the rest.
    for unit in sorted(defined, key=lambda u: bool(u.parent)):
        units[unit.code] = _upsert(
            Department,
            {"code": unit.code},
            {
                "name": unit.name,
                "name_en": unit_name_en(unit.code),
                "kind": unit.kind,
                "region": regions.get(unit.region),
                "parent": units.get(unit.parent),
                "is_active": True,
            },
        )
    for district_code, streets in data.STREETS.items():
        government = units[f"gov-{district_code}"]
        for street in streets:
            code = f"st-{street.code}"
            units[code] = _upsert(
                Department,
                {"code": code},
                {
                    "name": street_office_name(street.name),
                    "name_en": unit_name_en(code, street.name),
                    "kind": Kind.STREET_OFFICE,
                    "region": regions[street.code],
                    "parent": government,
                    "is_active": True,
                },
            )
    return units


def _load_taxonomy_and_catalogue(units) -> None:
    urgencies = {u.code: u for u in UrgencyClass.objects.all()}
    for rank1, (code1, name1, level2) in enumerate(data.TAXONOMY):
        top = _upsert(
            Category,
            {"code": code1},
            {
                "name": name1,
                "name_en": CATEGORIES[code1],
                "level": 1,
                "parent": None,
                "rank": rank1,
            },
        )
        for rank2, (code2, name2, leaves) in enumerate(level2):
            middle = _upsert(
                Category,
                {"code": code2},
                {
                    "name": name2,
                    "name_en": CATEGORIES[code2],
                    "level": 2,
                    "parent": top,
                    "rank": rank2,
                },
            )
            for rank3, leaf in enumerate(leaves):
                category = _upsert(
                    Category,
                    {"code": leaf.code},
                    {
                        "name": leaf.name,
                        "name_en": CATEGORIES[leaf.code],
                        "level": 3,
                        "parent": middle,
                        "rank": rank3,
                        "urgency": urgencies[leaf.urgency],
                    },
                )
                if not category.keywords and leaf.code in KEYWORDS:  # never over an edit
                    category.keywords = KEYWORDS[leaf.code]
                    category.save(update_fields=["keywords"])
                if leaf.target == data.TARGET_STREET:
                    rule = {"unit": None, "unit_kind": Kind.STREET_OFFICE}
                elif leaf.target == data.TARGET_DISTRICT:
                    rule = {"unit": None, "unit_kind": Kind.DISTRICT_GOVERNMENT}
                else:
                    rule = {"unit": units[leaf.target], "unit_kind": ""}
                _upsert(DispatchRule, {"category": category, "region": None}, rule)
                _load_questions(category, data.QUESTIONS.get(leaf.code, ()))


def _load_questions(category, questions) -> None:
    """The questions a service asks (Open311 `metadata` true, its service definition)."""
    for order, question in enumerate(questions, start=1):
        _upsert(
            CategoryAttribute,
            {"category": category, "code": question.code},
            {
                "variable": question.variable,
                "datatype": question.datatype,
                "required": question.required,
                "description": question.description,
                "datatype_description": question.hint,
                "values": [{"key": key, "name": name} for key, name in question.values],
                "order": order,
            },
        )


# (username, role, unit code, display name)
STAFF = [
    ("operator", Role.OPERATOR, "hotline", "刘缓"),
    ("dispatcher", Role.DISPATCHER, "hotline", "王派单"),
    ("callback", Role.CALLBACK_OPERATOR, "hotline", "赵回访"),
    ("supervisor", Role.SUPERVISOR, "hotline", "孙督办"),
    ("analyst", Role.ANALYST, "hotline", "钱分析"),
    ("hpj-handler", Role.HANDLER, "st-110105007", "和平街承办人"),
    ("hpj-head", Role.UNIT_HEAD, "st-110105007", "和平街主任"),
    ("cy-head", Role.UNIT_HEAD, "gov-110105", "朝阳区负责人"),
    ("zjw-handler", Role.HANDLER, "bj-zjw", "住建委承办人"),
    ("water-handler", Role.HANDLER, "ut-water", "自来水承办人"),
    ("heat-handler", Role.HANDLER, "ut-heat", "热力承办人"),
]


def demo_logins() -> list[DemoLogin]:
    """The demo users that exist, with their roles (for printing)."""
    logins = []
    if get_user_model().objects.filter(username="admin", is_superuser=True).exists():
        logins.append(DemoLogin("admin", "superuser", "—"))
    usernames = [username for username, *_rest in STAFF]
    memberships = Membership.objects.filter(user__username__in=usernames).select_related(
        "user", "department"
    )
    order = {name: i for i, name in enumerate(usernames)}
    for m in sorted(memberships, key=lambda m: order[m.user.username]):
        logins.append(DemoLogin(m.user.username, m.role, m.department.name))
    return logins


def write_logins(out, logins: list[DemoLogin]) -> None:
    out.write(f"\n  Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        out.write(f"    {login.username:<15} {login.role:<18} {login.unit}")


def _load_staff(units) -> list[DemoLogin]:
    User = get_user_model()
    groups = sync_role_groups()
    logins = []
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "管理员"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(DemoLogin("admin", "superuser", "—"))
    for username, role, unit_code, name in STAFF:
        unit = units.get(unit_code)
        if unit is None:
            continue
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, department=unit, role=role)
        user.groups.add(groups[role])
        logins.append(DemoLogin(username, role, unit.name))
    return logins
