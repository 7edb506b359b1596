from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from champions.models import Assignment, Designation, Shift
from champions.shifts import shift_span
from golive.access import Access
from readiness.assessment import selectors, services
from readiness.models import Criterion, CriterionTemplate, Domain, Rag
from support.models import Priority, Ticket
from tests import factories as f
from tests.readiness.conftest import SET, Readiness, nobody, template
from training.models import Completion, Course, Requirement

TODAY = timezone.localdate


def _state(
    readiness: Readiness, tpl: CriterionTemplate, area: object = None
) -> selectors.CriterionState:
    criterion = readiness.criterion(area or readiness.trust.ward_a, tpl)
    return selectors.criterion_states(nobody(), [criterion], today=TODAY())[0]


def _update(
    readiness: Readiness, user: object, criterion: Criterion, **kwargs: object
) -> Criterion:
    values: dict[str, object] = {
        "rag": Rag.AMBER,
        "comment": "",
        "evidence_link": "",
        "evidence_file": None,
        "owner": None,
    }
    values.update(kwargs)
    return services.update_criterion(access=Access(user), user=user, criterion=criterion, **values)  # type: ignore[arg-type]


# Applying a template set.


def test_applying_a_template_set_creates_one_criterion_per_template_and_area(
    readiness: Readiness,
) -> None:
    assert Criterion.objects.filter(go_live=readiness.trust.wave_1).count() == 3 * 2


def test_applying_a_template_set_twice_creates_nothing_new_and_keeps_assessments(
    readiness: Readiness,
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    _update(readiness, readiness.trust.programme_manager, criterion, rag=Rag.RED)
    created = services.apply_template_set(
        access=Access(readiness.trust.programme_manager),
        go_live=readiness.trust.wave_1,
        template_set=SET,
    )
    assert created == 0
    assert readiness.criterion(readiness.trust.ward_a, readiness.downtime).rag == Rag.RED


def test_only_a_programme_manager_may_apply_a_template_set(readiness: Readiness) -> None:
    with pytest.raises(PermissionDenied):
        services.apply_template_set(
            access=Access(readiness.chair), go_live=readiness.trust.wave_1, template_set=SET
        )


# Manual criteria.


def test_green_needs_evidence(readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    with pytest.raises(ValidationError) as error:
        _update(readiness, readiness.chair, criterion, rag=Rag.GREEN)
    assert "evidence_link" in error.value.error_dict


def test_a_criterion_update_keeps_history(readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    _update(readiness, readiness.chair, criterion, rag=Rag.AMBER)
    _update(
        readiness,
        readiness.chair,
        criterion,
        rag=Rag.GREEN,
        evidence_link="https://example.nhs.uk/log",
    )
    rags = list(criterion.history.order_by("history_date").values_list("rag", flat=True))
    assert rags == [Rag.NOT_ASSESSED, Rag.AMBER, Rag.GREEN]


def test_evidence_files_are_stored_under_a_random_name(
    readiness: Readiness, settings: object, tmp_path: object
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }  # type: ignore[attr-defined]
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    upload = SimpleUploadedFile("../../etc/login test.pdf", b"%PDF-1.4 test log")
    saved = _update(readiness, readiness.chair, criterion, rag=Rag.GREEN, evidence_file=upload)
    assert saved.evidence_file_name == "login test.pdf"
    assert saved.evidence_file.name.startswith("readiness/evidence/")
    assert "login" not in saved.evidence_file.name


def test_evidence_files_of_other_types_are_refused(readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    with pytest.raises(ValidationError) as error:
        _update(
            readiness,
            readiness.chair,
            criterion,
            evidence_file=SimpleUploadedFile("run.exe", b"MZ"),
        )
    assert error.value.code == "file_type"


def test_a_ward_manager_updates_their_own_areas_criteria(readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    assert (
        _update(readiness, readiness.trust.ward_manager, criterion, rag=Rag.AMBER).rag == Rag.AMBER
    )


def test_a_ward_manager_cannot_update_another_areas_criteria(readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    with pytest.raises(PermissionDenied):
        _update(readiness, readiness.trust.ward_manager, criterion)


def test_a_chair_updates_only_the_domains_of_groups_they_chair(readiness: Readiness) -> None:
    own = readiness.criterion(readiness.trust.ward_b, readiness.sso)
    other = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    assert _update(readiness, readiness.chair, own).rag == Rag.AMBER
    with pytest.raises(PermissionDenied):
        _update(readiness, readiness.chair, other)


def test_the_clinical_safety_officer_updates_clinical_safety_criteria(readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.safety)
    assert _update(readiness, readiness.cso, criterion).rag == Rag.AMBER


def test_an_executive_cannot_update_criteria(readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    with pytest.raises(PermissionDenied):
        _update(readiness, readiness.trust.executive, criterion)


# Computed criteria.


def _computed(readiness: Readiness, key: str, domain: str) -> CriterionTemplate:
    tpl = template(readiness.trust, key.replace("_", "-"), domain, 4, computed=key)
    services.apply_template_set(
        access=Access(readiness.trust.programme_manager),
        go_live=readiness.trust.wave_1,
        template_set=SET,
    )
    return tpl


def test_a_computed_criterion_cannot_be_set_by_hand(readiness: Readiness) -> None:
    tpl = _computed(readiness, "no_open_p1_tickets", Domain.SUPPORT)
    criterion = readiness.criterion(readiness.trust.ward_a, tpl)
    with pytest.raises(ValidationError) as error:
        _update(readiness, readiness.trust.programme_manager, criterion)
    assert error.value.code == "computed"


def test_trained_share_turns_green_when_ninety_percent_of_staff_are_trained(
    readiness: Readiness,
) -> None:
    trust = readiness.trust
    tpl = _computed(readiness, "trained_share", Domain.PEOPLE)
    course = Course.objects.create(
        programme=trust.programme,
        code="EPR1",
        name="EPR basics",
        delivery=Course.Delivery.E_LEARNING,
    )
    Requirement.objects.create(
        go_live=trust.wave_1,
        course=course,
        role_group="nursing",
        due_on=trust.wave_1.user_go_live_date,
    )
    # Alice plus nine more nurses on Ward A: ten in scope.
    staff = [trust.staff_a] + [
        f.StaffMemberFactory(organisation=trust.organisation, areas=[trust.ward_a])
        for _ in range(9)
    ]
    for person in staff[:8]:
        Completion.objects.create(staff=person, course=course, completed_on=TODAY())
    before = _state(readiness, tpl)
    assert (before.rag, before.figure) == (Rag.AMBER, "80% trained (8 of 10)")
    Completion.objects.create(staff=staff[8], course=course, completed_on=TODAY())
    after = _state(readiness, tpl)
    assert (after.rag, after.figure) == (Rag.GREEN, "90% trained (9 of 10)")
    assert after.threshold == "≥ 90% of in-scope staff trained"


def test_trained_share_is_not_assessed_without_training_requirements(readiness: Readiness) -> None:
    tpl = _computed(readiness, "trained_share", Domain.PEOPLE)
    assert _state(readiness, tpl).rag == Rag.NOT_ASSESSED


def test_an_open_p1_ticket_turns_the_area_red_until_it_is_resolved(readiness: Readiness) -> None:
    trust = readiness.trust
    tpl = _computed(readiness, "no_open_p1_tickets", Domain.SUPPORT)
    assert _state(readiness, tpl).rag == Rag.GREEN
    ticket = Ticket.objects.create(
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Prescribing down",
        priority=Priority.P1,
        logged_by=trust.programme_manager,
        created_at=timezone.now(),
    )
    red = _state(readiness, tpl)
    assert (red.rag, red.figure) == (Rag.RED, "1 open P1 ticket")
    assert _state(readiness, tpl, trust.ward_b).rag == Rag.GREEN
    ticket.status = Ticket.Status.RESOLVED
    ticket.resolved_at = timezone.now()
    ticket.save()
    assert _state(readiness, tpl).rag == Rag.GREEN


def test_super_user_cover_turns_green_when_every_go_live_week_shift_is_covered(
    readiness: Readiness,
) -> None:
    trust = readiness.trust
    tpl = _computed(readiness, "super_user_every_shift", Domain.PEOPLE)
    assert _state(readiness, tpl).rag == Rag.NOT_ASSESSED
    shifts = []
    for offset in range(2):
        day = trust.wave_1.user_go_live_date + dt.timedelta(days=offset)
        starts_at, ends_at = shift_span(day, dt.time(7), dt.time(15))
        shifts.append(
            Shift.objects.create(
                go_live=trust.wave_1,
                area=trust.ward_a,
                name="Early",
                day=day,
                starts_at=starts_at,
                ends_at=ends_at,
                planned_staff=8,
            )
        )
    champion = Designation.objects.create(
        programme=trust.programme,
        go_live=trust.wave_1,
        area=trust.ward_a,
        staff=trust.staff_a,
        kind=Designation.Kind.DIGITAL_CHAMPION,
        status=Designation.Status.AGREED,
        systems_confidence=4,
        leadership=4,
        nominated_by=trust.ward_manager,
        nominated_at=timezone.now(),
        agreed_at=timezone.now(),
    )
    Assignment.objects.create(
        shift=shifts[0],
        designation=champion,
        staff=trust.staff_a,
        starts_at=shifts[0].starts_at,
        ends_at=shifts[0].ends_at,
        assigned_by=trust.ward_manager,
        assigned_at=timezone.now(),
    )
    half = _state(readiness, tpl)
    assert (half.rag, half.figure) == (Rag.RED, "1 of 2 shifts covered")
    Assignment.objects.create(
        shift=shifts[1],
        designation=champion,
        staff=trust.staff_a,
        starts_at=shifts[1].starts_at,
        ends_at=shifts[1].ends_at,
        assigned_by=trust.ward_manager,
        assigned_at=timezone.now(),
    )
    assert _state(readiness, tpl).rag == Rag.GREEN
