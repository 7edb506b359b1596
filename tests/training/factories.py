"""Factories for training tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tests.factories import ProgrammeFactory, StaffMemberFactory
from training.models import Completion, Course, Requirement


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Course {n}")
    delivery = Course.Delivery.E_LEARNING


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    course = factory.SubFactory(CourseFactory)
    role_group = "nursing"
    due_on = factory.LazyAttribute(lambda r: r.go_live.user_go_live_date - dt.timedelta(days=7))


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    staff = factory.SubFactory(StaffMemberFactory)
    course = factory.SubFactory(CourseFactory)
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
