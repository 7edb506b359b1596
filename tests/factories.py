"""factory_boy factories with minimal defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import factory
from django.utils import timezone

from golive.models import (
    Area,
    GoLive,
    Organisation,
    Programme,
    Release,
    Role,
    RoleGrant,
    RoleGroup,
    Site,
    StaffMember,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.Sequence(lambda n: f"Test Trust {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Site {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.Sequence(lambda n: f"Ward {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"EPR programme {n}")


class GoLiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoLive
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Wave {n}")
    user_go_live_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=42))

    @factory.post_generation
    def areas(self, create: bool, extracted: Iterable[Area] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.areas.set(extracted)


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    go_live = factory.SubFactory(GoLiveFactory)
    name = factory.Sequence(lambda n: f"Release {n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    staff_number = factory.Sequence(lambda n: f"N{n:06d}")
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    role_group = RoleGroup.NURSING

    @factory.post_generation
    def areas(self, create: bool, extracted: Iterable[Area] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.areas.set(extracted)


def grant(user: User, role: Role, programme: Programme, areas: Iterable[Area] = ()) -> RoleGrant:
    """Give ``user`` a role on ``programme`` (whole programme unless ``areas`` are given)."""
    row = RoleGrant.objects.create(user=user, role=role, programme=programme)
    row.areas.set(list(areas))
    return row
