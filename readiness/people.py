"""Who owns an action or holds a duty: someone who signs in (a ``User``) or someone on the
staff list without an account (a ``StaffMember``). Forms offer both, in two groups; services
check a staff member is one the user may see, of the programme's organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from golive.access import Access
from golive.models import Programme, StaffMember, User

USER, STAFF = "user", "staff"


def one_person(user: User | None, staff: StaffMember | None, field: str) -> None:
    """Refuse anything but exactly one of a user and a staff member."""
    if (user is None) == (staff is None):
        raise ValidationError(
            {
                field: ValidationError(
                    "Choose one person: a user or a staff member.", code="one_person"
                )
            }
        )


def check_staff(
    access: Access, staff: StaffMember | None, programme: Programme, field: str
) -> None:
    """A staff member chosen must be one the user may see, of the programme's trust."""
    if staff is None:
        return
    visible = access.staff().filter(pk=staff.pk, organisation_id=programme.organisation_id)
    if not visible.exists():
        raise ValidationError(
            {field: ValidationError("Choose a staff member you may see.", code="other_staff")}
        )


def visible_staff(access: Access, programme: Programme) -> QuerySet[StaffMember]:
    """Staff the user may choose: those they may see, of the programme's organisation, who
    have no account of their own (those with one are chosen as users)."""
    return (
        access.staff()
        .filter(organisation_id=programme.organisation_id, user__isnull=True)
        .order_by("full_name", "staff_number")
    )


class PersonChoiceField(forms.ChoiceField):
    """A user or a staff member, posted as ``user:<id>`` or ``staff:<id>``; cleans to the
    chosen ``User`` or ``StaffMember`` (None when left empty)."""

    def __init__(self, *, empty_label: str = "Choose a person", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.users: QuerySet[User] = User.objects.none()
        self.staff: QuerySet[StaffMember] = StaffMember.objects.none()

    def set_people(self, users: QuerySet[User], staff: QuerySet[StaffMember]) -> None:
        self.users, self.staff = users, staff
        self.choices = [
            ("", self.empty_label),
            ("People who sign in", [(f"{USER}:{u.pk}", u.display_name) for u in users]),
            ("Staff without an account", [(f"{STAFF}:{s.pk}", s.full_name) for s in staff]),
        ]

    def clean(self, value: Any) -> User | StaffMember | None:
        chosen = super().clean(value)
        if not chosen:
            return None
        kind, _, pk = str(chosen).partition(":")
        rows = self.users if kind == USER else self.staff
        person: User | StaffMember | None = rows.filter(pk=pk).first()
        if person is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return person


def split(person: User | StaffMember | None) -> tuple[User | None, StaffMember | None]:
    """(user, staff member): the model's two columns for one chosen person."""
    if isinstance(person, StaffMember):
        return None, person
    return person, None


def person_value(user: User | None, staff: StaffMember | None) -> str:
    """The form value for a stored person (initial data of an edit form)."""
    if staff is not None:
        return f"{STAFF}:{staff.pk}"
    return f"{USER}:{user.pk}" if user is not None else ""


def people_in(rows: QuerySet[Any], *, user_field: str, staff_field: str) -> list[tuple[str, str]]:
    """The people named on ``rows`` (actions' owners, duties' holders), as filter choices
    (form value, name), by name."""
    named: dict[str, str] = {}
    for row in rows.select_related(user_field, staff_field):
        user, staff = getattr(row, user_field), getattr(row, staff_field)
        if staff is not None:
            named[f"{STAFF}:{staff.pk}"] = staff.full_name
        elif user is not None:
            named[f"{USER}:{user.pk}"] = user.display_name
    return sorted(named.items(), key=lambda item: item[1])


def person_filter(value: str, *, user_field: str, staff_field: str) -> Q | None:
    """The condition matching rows of one person chosen as ``user:<id>`` / ``staff:<id>``;
    None for anything else (no filter)."""
    kind, _, pk = value.partition(":")
    if not (pk.isascii() and pk.isdigit()) or kind not in (USER, STAFF):
        return None
    field = user_field if kind == USER else staff_field
    return Q(**{f"{field}_id": int(pk)})
