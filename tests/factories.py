"""factory_boy factories for the reference data tests build on.

Tickets themselves are made through `tickets.services` (see conftest's `submit`), never by a
factory, so every test ticket has the trajectory a real one has.
"""

import factory
from django.contrib.auth import get_user_model

from departments.models import Department, Membership, Region
from tickets.models import Category, UrgencyClass


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    is_staff = True
    password = factory.django.Password("pw-12345-test")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"区域{n}")
    level = Region.Level.CITY
    parent = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Department.Kind.MUNICIPAL_DEPARTMENT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Membership.Role.HANDLER


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"cat.{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    level = 3
    parent = None
    urgency = factory.LazyFunction(lambda: UrgencyClass.objects.get(code="general"))
