from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from champions import services
from champions.models import Assignment, CoverRequest, Designation, Shift
from golive.access import Access
from tests.champions.conftest import Champions
from tests.conftest import Trust
from tests.locking import run_recording, wait_until_waiting

Kind = Designation.Kind
Status = Designation.Status


def nominate(
    trust: Trust, user: object, staff: object, area: object, **kwargs: object
) -> Designation:
    values = {
        "access": Access(user),
        "user": user,
        "programme": trust.programme,
        "go_live": trust.wave_1,
        "area": area,
        "staff": staff,
        "kind": Kind.SUPER_USER,
        "systems_confidence": 4,
        "leadership": 5,
        "note": "Confident on the old system; runs the ward huddle.",
    }
    values.update(kwargs)
    return services.nominate(**values)  # type: ignore[arg-type]


def assign(user: object, shift: Shift, designation: Designation) -> Assignment:
    return services.assign_to_shift(
        access=Access(user),
        user=user,
        shift=shift,
        designation=designation,  # type: ignore[arg-type]
    )


# Designations.


def test_ward_manager_nominates_someone_from_their_ward(trust: Trust) -> None:
    designation = nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a)

    assert designation.status == Status.NOMINATED
    assert designation.nominated_by == trust.ward_manager
    assert (designation.systems_confidence, designation.leadership) == (4, 5)
    assert designation.history.count() == 1


def test_ward_manager_cannot_nominate_in_another_ward(trust: Trust) -> None:
    with pytest.raises(PermissionDenied, match="Ward B is not one of them"):
        nominate(trust, trust.ward_manager, trust.staff_b, trust.ward_b)


def test_nominee_must_work_in_the_area(trust: Trust) -> None:
    with pytest.raises(ValidationError, match="Bob Ward-B does not work in Ward A") as error:
        nominate(trust, trust.ward_manager, trust.staff_b, trust.ward_a)

    assert error.value.code == "staff_not_in_area"


def test_a_leaver_cannot_be_nominated(trust: Trust) -> None:
    trust.staff_a.end_date = timezone.localdate()
    trust.staff_a.save()

    with pytest.raises(ValidationError, match="Alice Ward-A left on") as error:
        nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a)

    assert error.value.code == "left"


def test_someone_leaving_later_can_still_be_nominated(trust: Trust) -> None:
    trust.staff_a.end_date = timezone.localdate() + dt.timedelta(days=30)
    trust.staff_a.save()

    assert nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a).pk


def test_the_same_role_cannot_be_nominated_twice(trust: Trust) -> None:
    nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a)

    with pytest.raises(ValidationError, match="already a super user in Ward A"):
        nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a)


def test_executive_cannot_nominate(trust: Trust) -> None:
    with pytest.raises(PermissionDenied):
        nominate(trust, trust.executive, trust.staff_a, trust.ward_a)


def test_accepting_the_role_agreement_records_who_and_when(trust: Trust) -> None:
    designation = nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a)

    agreed = services.accept_role_agreement(
        access=Access(trust.ward_manager), user=trust.ward_manager, designation=designation
    )

    assert agreed.status == Status.AGREED
    assert agreed.agreed_by == trust.ward_manager
    assert agreed.agreed_at is not None


def test_nominee_accepts_their_own_role_agreement(trust: Trust) -> None:
    designation = nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a)
    trust.staff_a.user = trust.outsider
    trust.staff_a.save()

    agreed = services.accept_role_agreement(
        access=Access(trust.outsider), user=trust.outsider, designation=designation
    )

    assert agreed.agreed_by == trust.outsider


def test_someone_else_cannot_accept_for_the_nominee(trust: Trust) -> None:
    designation = nominate(trust, trust.ward_manager, trust.staff_a, trust.ward_a)

    with pytest.raises(PermissionDenied):
        services.accept_role_agreement(
            access=Access(trust.champion), user=trust.champion, designation=designation
        )


def test_withdrawing_takes_the_person_off_future_shifts(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a)
    assignment = assign(trust.ward_manager, champions.shift(trust.ward_a), designation)

    services.withdraw(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        designation=designation,
        reason="Moved to nights",
    )

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    designation.refresh_from_db()
    assert designation.status == Status.WITHDRAWN
    assert designation.withdrawal_reason == "Moved to nights"


# Rostering rules.


def test_agreed_trained_super_user_is_rostered(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(
        trust.staff_a, trust.ward_a, kind=Kind.SUPER_USER, trained=True
    )
    shift = champions.shift(trust.ward_a)

    assignment = assign(trust.ward_manager, shift, designation)

    assert assignment.staff == trust.staff_a
    assert (assignment.starts_at, assignment.ends_at) == (shift.starts_at, shift.ends_at)
    assert assignment.assigned_by == trust.ward_manager


def test_untrained_super_user_cannot_be_rostered(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, kind=Kind.SUPER_USER)

    with pytest.raises(ValidationError) as error:
        assign(trust.ward_manager, champions.shift(trust.ward_a), designation)

    assert error.value.code == "untrained"
    assert error.value.messages == [
        "Alice Ward-A has not completed super-user training, so cannot be rostered as a super user."
    ]


def test_champion_needs_no_super_user_training(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, kind=Kind.DIGITAL_CHAMPION)

    assert assign(trust.ward_manager, champions.shift(trust.ward_a), designation).pk


def test_nominee_who_has_not_agreed_cannot_be_rostered(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, status=Status.NOMINATED)

    with pytest.raises(ValidationError) as error:
        assign(trust.ward_manager, champions.shift(trust.ward_a), designation)

    assert error.value.code == "not_agreed"
    assert "Alice Ward-A has not accepted the role agreement yet" in error.value.messages[0]


def test_withdrawn_designation_cannot_be_rostered(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, status=Status.WITHDRAWN)

    with pytest.raises(ValidationError, match="designation was withdrawn"):
        assign(trust.ward_manager, champions.shift(trust.ward_a), designation)


def test_person_cannot_be_rostered_in_an_area_they_are_not_designated_for(
    trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a)

    with pytest.raises(ValidationError) as error:
        assign(trust.programme_manager, champions.shift(trust.ward_b), designation)

    assert error.value.code == "other_area"
    assert error.value.messages == ["Alice Ward-A is designated for Ward A, not Ward B."]


def test_ward_manager_cannot_roster_in_an_area_they_do_not_manage(
    trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_b, trust.ward_b)

    with pytest.raises(PermissionDenied, match="Ward B is not one of them"):
        assign(trust.ward_manager, champions.shift(trust.ward_b), designation)


def test_person_cannot_be_double_booked_across_areas(trust: Trust, champions: Champions) -> None:
    trust.staff_a.areas.add(trust.ward_b)
    in_a = champions.designate(trust.staff_a, trust.ward_a)
    in_b = champions.designate(trust.staff_a, trust.ward_b)
    assign(trust.programme_manager, champions.shift(trust.ward_a), in_a)
    overlapping = champions.shift(trust.ward_b, name="Long day", start=dt.time(8), end=dt.time(20))

    with pytest.raises(ValidationError) as error:
        assign(trust.programme_manager, overlapping, in_b)

    assert error.value.code == "double_booked"
    assert "Alice Ward-A is already rostered on Early, Ward A" in error.value.messages[0]
    assert "which overlaps this shift" in error.value.messages[0]


def test_back_to_back_shifts_are_not_a_double_booking(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a)
    assign(trust.ward_manager, champions.shift(trust.ward_a), designation)
    late = champions.shift(trust.ward_a, name="Late", start=dt.time(15), end=dt.time(23))

    assert assign(trust.ward_manager, late, designation).pk


def test_person_cannot_be_put_on_the_same_shift_twice(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a)
    shift = champions.shift(trust.ward_a)
    assign(trust.ward_manager, shift, designation)

    with pytest.raises(ValidationError, match="already on this shift"):
        assign(trust.ward_manager, shift, designation)


def test_a_shift_that_has_ended_cannot_be_rostered(trust: Trust, champions: Champions) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a)
    past = champions.shift(trust.ward_a, day=timezone.localdate() - dt.timedelta(days=2))

    with pytest.raises(ValidationError, match="already ended"):
        assign(trust.ward_manager, past, designation)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_rostering_one_person_at_once_book_them_only_once() -> None:
    trust = Trust()
    champions = Champions(trust)
    trust.staff_a.areas.add(trust.ward_b)
    in_a = champions.designate(trust.staff_a, trust.ward_a)
    in_b = champions.designate(trust.staff_a, trust.ward_b)
    shifts = [champions.shift(trust.ward_a), champions.shift(trust.ward_b)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def roster(shift: Shift, designation: Designation) -> None:
        try:
            barrier.wait()
            assign(trust.programme_manager, shift, designation)
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=roster, args=(shifts[0], in_a)),
        threading.Thread(target=roster, args=(shifts[1], in_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["booked", "double_booked"]
    assert Assignment.objects.filter(staff=trust.staff_a, status="active").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_nominating_one_person_at_once_make_one_designation() -> None:
    trust = Trust()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def nominate_once() -> None:
        try:
            barrier.wait()
            nominate(trust, trust.programme_manager, trust.staff_a, trust.ward_a)
            outcomes.append("nominated")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=nominate_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_designated", "nominated"]
    assert Designation.objects.count() == 1


# Cover and swaps.


def test_accepted_cover_moves_the_shift_to_the_coverer(trust: Trust, champions: Champions) -> None:
    shift = champions.shift(trust.ward_a)
    alice = champions.designate(trust.staff_a, trust.ward_a)
    dan = champions.designate(champions.staff("Dan Cover", trust.ward_a), trust.ward_a)
    original = assign(trust.ward_manager, shift, alice)
    wm = Access(trust.ward_manager)
    request = services.request_cover(
        access=wm, user=trust.ward_manager, assignment=original, reason="Annual leave"
    )

    cover = services.accept_cover(
        access=wm, user=trust.ward_manager, cover_request=request, designation=dan
    )

    original.refresh_from_db()
    request.refresh_from_db()
    assert original.status == Assignment.Status.CANCELLED
    assert cover.shift == shift
    assert cover.staff == dan.staff
    assert request.status == CoverRequest.Status.ACCEPTED


def test_cover_by_an_untrained_super_user_is_refused_and_the_roster_is_unchanged(
    trust: Trust, champions: Champions
) -> None:
    alice = champions.designate(trust.staff_a, trust.ward_a)
    untrained = champions.designate(
        champions.staff("Una Trained", trust.ward_a), trust.ward_a, kind=Kind.SUPER_USER
    )
    original = assign(trust.ward_manager, champions.shift(trust.ward_a), alice)
    wm = Access(trust.ward_manager)
    request = services.request_cover(access=wm, user=trust.ward_manager, assignment=original)

    with pytest.raises(ValidationError, match="has not completed super-user training"):
        services.accept_cover(
            access=wm, user=trust.ward_manager, cover_request=request, designation=untrained
        )

    original.refresh_from_db()
    assert original.status == Assignment.Status.ACTIVE
    assert CoverRequest.objects.get(pk=request.pk).status == CoverRequest.Status.OPEN


def test_accepted_swap_exchanges_two_peoples_shifts(trust: Trust, champions: Champions) -> None:
    early = champions.shift(trust.ward_a)
    late = champions.shift(trust.ward_a, name="Late", start=dt.time(15), end=dt.time(23))
    alice = champions.designate(trust.staff_a, trust.ward_a)
    erin = champions.designate(champions.staff("Erin Swap", trust.ward_a), trust.ward_a)
    on_early = assign(trust.ward_manager, early, alice)
    on_late = assign(trust.ward_manager, late, erin)
    wm = Access(trust.ward_manager)
    request = services.request_swap(
        access=wm, user=trust.ward_manager, assignment=on_early, swap_with=on_late
    )

    services.accept_swap(access=wm, user=trust.ward_manager, cover_request=request)

    active = Assignment.objects.filter(status="active")
    assert set(active.values_list("shift_id", "staff_id")) == {
        (early.pk, erin.staff_id),
        (late.pk, alice.staff_id),
    }


def test_swap_into_an_area_the_person_is_not_designated_for_is_refused(
    trust: Trust, champions: Champions
) -> None:
    alice = champions.designate(trust.staff_a, trust.ward_a)
    bob = champions.designate(trust.staff_b, trust.ward_b)
    on_a = assign(trust.programme_manager, champions.shift(trust.ward_a), alice)
    on_b = assign(
        trust.programme_manager,
        champions.shift(trust.ward_b, name="Late", start=dt.time(15), end=dt.time(23)),
        bob,
    )
    pm = Access(trust.programme_manager)
    request = services.request_swap(
        access=pm, user=trust.programme_manager, assignment=on_a, swap_with=on_b
    )

    with pytest.raises(ValidationError, match="Alice Ward-A is not designated in Ward B"):
        services.accept_swap(access=pm, user=trust.programme_manager, cover_request=request)

    assert Assignment.objects.filter(status="active").count() == 2


# Shift generation.


def test_shifts_are_generated_for_every_pattern_and_day_of_the_fortnight(
    trust: Trust, champions: Champions
) -> None:
    champions.pattern(trust.ward_a)
    champions.pattern(
        trust.ward_a, kind="night", name="Night", start_time=dt.time(20), end_time=dt.time(8)
    )
    wm = Access(trust.ward_manager)

    created = services.generate_shifts(access=wm, go_live=trust.wave_1, area=trust.ward_a)
    again = services.generate_shifts(access=wm, go_live=trust.wave_1, area=trust.ward_a)

    assert (created, again) == (28, 0)
    night = Shift.objects.get(name="Night", day=champions.go_live_day)
    assert timezone.localtime(night.ends_at).date() == champions.go_live_day + dt.timedelta(days=1)


def test_a_pattern_with_people_rostered_cannot_be_removed(
    trust: Trust, champions: Champions
) -> None:
    pattern = champions.pattern(trust.ward_a)
    wm = Access(trust.ward_manager)
    services.generate_shifts(access=wm, go_live=trust.wave_1, area=trust.ward_a)
    shift = Shift.objects.filter(pattern=pattern).order_by("day").last()
    assign(trust.ward_manager, shift, champions.designate(trust.staff_a, trust.ward_a))

    with pytest.raises(ValidationError, match="take them off before removing it") as error:
        services.remove_shift_pattern(access=wm, pattern=pattern)

    assert error.value.code == "has_assignments"
    assert Shift.objects.filter(pattern=pattern).count() == 14


def test_removing_a_pattern_removes_its_shifts(trust: Trust, champions: Champions) -> None:
    pattern = champions.pattern(trust.ward_a)
    wm = Access(trust.ward_manager)
    services.generate_shifts(access=wm, go_live=trust.wave_1, area=trust.ward_a)

    removed = services.remove_shift_pattern(access=wm, pattern=pattern)

    assert removed == 14
    assert not Shift.objects.exists()


def test_a_shift_that_has_happened_keeps_who_worked_it(trust: Trust, champions: Champions) -> None:
    shift = champions.shift(trust.ward_a)
    assignment = assign(trust.ward_manager, shift, champions.designate(trust.staff_a, trust.ward_a))
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=shift.starts_at - dt.timedelta(days=60),
        ends_at=shift.ends_at - dt.timedelta(days=60),
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        starts_at=shift.starts_at - dt.timedelta(days=60),
        ends_at=shift.ends_at - dt.timedelta(days=60),
    )

    with pytest.raises(ValidationError, match="already ended"):
        services.cancel_assignment(
            access=Access(trust.ward_manager), user=trust.ward_manager, assignment=assignment
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_swaps_crossing_the_same_pair_of_shifts_do_not_deadlock() -> None:
    trust = Trust()
    champions = Champions(trust)
    early = champions.shift(trust.ward_a)
    late = champions.shift(trust.ward_a, name="Late", start=dt.time(15), end=dt.time(23))
    alice = champions.designate(trust.staff_a, trust.ward_a)
    erin = champions.designate(champions.staff("Erin Swap", trust.ward_a), trust.ward_a)
    on_early = assign(trust.ward_manager, early, alice)
    on_late = assign(trust.ward_manager, late, erin)
    pm = Access(trust.programme_manager)
    ask = {"access": pm, "user": trust.programme_manager}
    # Each person asks to swap with the other: the requests name the pair in opposite order.
    early_first = services.request_swap(**ask, assignment=on_early, swap_with=on_late)
    late_first = services.request_swap(**ask, assignment=on_late, swap_with=on_early)
    outcomes: list[str] = []

    def accept(request: CoverRequest) -> str:
        services.accept_swap(access=pm, user=trust.programme_manager, cover_request=request)
        return "accepted"

    # Hold the lower-numbered shift so both acceptances queue, in a known order, before
    # either can go on; each then needs both rows.
    with transaction.atomic():
        Assignment.objects.select_for_update(of=("self",)).get(pk=min(on_early.pk, on_late.pk))
        threads = [run_recording(outcomes, lambda: accept(early_first))]
        wait_until_waiting(1)
        threads.append(run_recording(outcomes, lambda: accept(late_first)))
        wait_until_waiting(2)
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "not_open"]
    active = Assignment.objects.filter(status="active")
    assert set(active.values_list("shift_id", "staff_id")) == {
        (early.pk, erin.staff_id),
        (late.pk, alice.staff_id),
    }


# NHS numbers typed into free text.

NHS_NUMBER = "943 476 5919"


def test_an_nhs_number_in_a_nomination_note_is_removed(trust: Trust) -> None:
    designation = nominate(
        trust, trust.ward_manager, trust.staff_a, trust.ward_a, note=f"Helped with {NHS_NUMBER}"
    )

    assert designation.note == "Helped with [NHS number removed]"


def test_an_nhs_number_in_a_withdrawal_reason_is_removed(
    trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a)

    services.withdraw(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        designation=designation,
        reason="Complaint about 9434765919's care",
    )

    designation.refresh_from_db()
    assert "9434765919" not in designation.withdrawal_reason


def test_nhs_numbers_in_cover_and_swap_reasons_are_removed(
    trust: Trust, champions: Champions
) -> None:
    early = champions.shift(trust.ward_a)
    late = champions.shift(trust.ward_a, name="Late", start=dt.time(15), end=dt.time(23))
    alice = champions.designate(trust.staff_a, trust.ward_a)
    erin = champions.designate(champions.staff("Erin Swap", trust.ward_a), trust.ward_a)
    on_early = assign(trust.ward_manager, early, alice)
    on_late = assign(trust.ward_manager, late, erin)
    wm = {"access": Access(trust.ward_manager), "user": trust.ward_manager}

    cover = services.request_cover(**wm, assignment=on_early, reason=f"Escort {NHS_NUMBER}")
    services.cancel_cover_request(**wm, cover_request=cover)
    swap = services.request_swap(
        **wm, assignment=on_early, swap_with=on_late, reason=f"Clinic for {NHS_NUMBER}"
    )

    assert cover.reason == "Escort [NHS number removed]"
    assert swap.reason == "Clinic for [NHS number removed]"
