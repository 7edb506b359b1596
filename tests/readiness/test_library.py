"""The criteria library's pages and services: templates by set and domain, added, edited,
deleted when unused, and whole sets copied; only programme-wide readiness keepers reach it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from golive.access import Access
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.models import Programme, Role, User
from golive.refusals import Conflict
from readiness.demo import TEMPLATE_SET, seed_readiness_demo
from readiness.library import services
from readiness.library.services import TemplateDetails
from readiness.models import CriterionTemplate, Domain
from tests import factories as f
from tests.readiness.conftest import SET, Readiness

LIBRARY = "/readiness/library/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def template_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "template_set": SET,
        "title": "Printers mapped",
        "key": "printers-mapped",
        "domain": Domain.TECHNOLOGY,
        "owner_role": Role.WARD_MANAGER,
        "weight": "4",
        "evidence_required": "Test print log",
        "pass_rule": "Every printer prints a wristband",
        "computed_key": "",
    }
    data.update(overrides)
    return data


def details(**overrides: Any) -> TemplateDetails:
    values: dict[str, Any] = {
        "key": "printers-mapped",
        "title": "Printers mapped",
        "domain": Domain.TECHNOLOGY,
        "owner_role": Role.WARD_MANAGER,
        "weight": 4,
    }
    values.update(overrides)
    return TemplateDetails(**values)


def test_library_lists_templates_by_set_and_domain_with_use(readiness: Readiness) -> None:
    other = CriterionTemplate.objects.create(
        programme=readiness.trust.programme,
        template_set="Day case",
        key="theatre-lists",
        title="Theatre lists migrated",
        domain=Domain.DATA,
        owner_role=Role.WARD_MANAGER,
    )
    response = client_for(readiness.trust.programme_manager).get(LIBRARY)
    library = response.context["library"]
    assert [s.name for s in library] == ["Day case", SET]
    standard = library[1]
    assert [g.label for g in standard.domains] == ["Process", "Technology", "Clinical safety"]
    assert standard.domains[1].templates[0].in_use == 2  # applied to Ward A and Ward B
    assert other.title in response.content.decode()


def test_library_filtered_to_one_set_shows_only_that_set(readiness: Readiness) -> None:
    CriterionTemplate.objects.create(
        programme=readiness.trust.programme,
        template_set="Day case",
        key="theatre-lists",
        title="Theatre lists migrated",
        domain=Domain.DATA,
        owner_role=Role.WARD_MANAGER,
    )
    client = client_for(readiness.trust.programme_manager)
    response = client.get(LIBRARY, {"set": "Day case"})
    assert [s.name for s in response.context["library"]] == ["Day case"]
    assert "Sso login tested" not in response.content.decode()


def test_programme_manager_adds_a_template(readiness: Readiness) -> None:
    client = client_for(readiness.trust.programme_manager)
    response = client.post(f"{LIBRARY}new/", template_data())
    assert response.status_code == 302
    row = CriterionTemplate.objects.get(key="printers-mapped")
    assert (row.template_set, row.weight, row.programme) == (SET, 4, readiness.trust.programme)


@pytest.mark.parametrize("weight", ["0", "11", "two"])
def test_a_weight_outside_one_to_ten_is_refused_beside_the_field(
    readiness: Readiness, weight: str
) -> None:
    client = client_for(readiness.trust.programme_manager)
    response = client.post(f"{LIBRARY}new/", template_data(weight=weight))
    assert response.status_code == 200
    assert (
        "Weight must be a whole number from 1 to 10." in response.context["form"].errors["weight"]
    )
    assert "There is a problem" in response.content.decode()
    assert not CriterionTemplate.objects.filter(key="printers-mapped").exists()


def test_a_key_the_set_already_has_is_refused_beside_the_field(readiness: Readiness) -> None:
    client = client_for(readiness.trust.programme_manager)
    response = client.post(f"{LIBRARY}new/", template_data(key=readiness.sso.key))
    assert response.status_code == 200
    assert "already has a template with the key" in response.context["form"].errors["key"][0]


def test_the_same_key_may_be_used_in_another_set(readiness: Readiness) -> None:
    template = services.create_template(
        access=Access(readiness.trust.programme_manager),
        programme=readiness.trust.programme,
        template_set="Day case",
        details=details(key=readiness.sso.key),
    )
    assert template.template_set == "Day case"


def test_the_service_refuses_a_weight_out_of_range_with_a_code(readiness: Readiness) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_template(
            access=Access(readiness.trust.programme_manager),
            programme=readiness.trust.programme,
            template_set=SET,
            details=details(weight=11),
        )
    assert raised.value.error_dict["weight"][0].code == "weight_range"


def test_readiness_chair_edits_a_template_and_its_criteria_follow(readiness: Readiness) -> None:
    client = client_for(readiness.chair)
    data = template_data(
        title="Single sign-on tested", key=readiness.sso.key, weight="7", template_set=""
    )
    response = client.post(f"{LIBRARY}{readiness.sso.pk}/", data)
    assert response.status_code == 302
    readiness.sso.refresh_from_db()
    assert (readiness.sso.title, readiness.sso.weight) == ("Single sign-on tested", 7)
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    assert criterion.template.weight == 7
    assert readiness.sso.history.count() == 2


def test_editing_with_a_bad_weight_shows_the_error_and_changes_nothing(
    readiness: Readiness,
) -> None:
    client = client_for(readiness.trust.programme_manager)
    response = client.post(
        f"{LIBRARY}{readiness.sso.pk}/", template_data(key=readiness.sso.key, weight="0")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["weight"]
    readiness.sso.refresh_from_db()
    assert readiness.sso.weight == 3


def test_a_template_in_use_cannot_be_deleted(readiness: Readiness) -> None:
    client = client_for(readiness.trust.programme_manager)
    url = f"{LIBRARY}{readiness.sso.pk}/delete/"
    page = client.get(url)
    assert "This template cannot be deleted" in page.content.decode()
    response = client.post(url, {"reason": "Not needed"})
    assert response.status_code == 200
    assert "cannot be deleted" in response.context["form"].non_field_errors()[0]
    assert CriterionTemplate.objects.filter(pk=readiness.sso.pk).exists()


def test_the_service_refuses_deleting_a_template_in_use_as_a_conflict(
    readiness: Readiness,
) -> None:
    with pytest.raises(Conflict) as raised:
        services.delete_template(
            access=Access(readiness.trust.programme_manager),
            template=readiness.sso,
            reason="Not needed",
        )
    assert raised.value.code == "in_use"


def test_an_unused_template_is_deleted_with_its_reason_in_history(readiness: Readiness) -> None:
    unused = CriterionTemplate.objects.create(
        programme=readiness.trust.programme,
        template_set=SET,
        key="fax-machines",
        title="Fax machines retired",
        domain=Domain.TECHNOLOGY,
        owner_role=Role.WARD_MANAGER,
    )
    client = client_for(readiness.trust.programme_manager)
    response = client.post(f"{LIBRARY}{unused.pk}/delete/", {"reason": "No fax machines left"})
    assert response.status_code == 302
    assert not CriterionTemplate.objects.filter(pk=unused.pk).exists()
    last = CriterionTemplate.history.filter(id=unused.pk).latest("history_date")
    assert (last.history_type, last.history_change_reason) == ("-", "No fax machines left")


def test_deleting_asks_for_a_reason(readiness: Readiness) -> None:
    unused = CriterionTemplate.objects.create(
        programme=readiness.trust.programme,
        template_set=SET,
        key="fax-machines",
        title="Fax machines retired",
        domain=Domain.TECHNOLOGY,
        owner_role=Role.WARD_MANAGER,
    )
    client = client_for(readiness.trust.programme_manager)
    response = client.post(f"{LIBRARY}{unused.pk}/delete/", {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Enter why the template is deleted."]
    assert CriterionTemplate.objects.filter(pk=unused.pk).exists()


def test_copying_a_set_copies_every_template_under_the_new_name(readiness: Readiness) -> None:
    client = client_for(readiness.trust.programme_manager)
    response = client.post(f"{LIBRARY}copy/", {"source_set": SET, "new_set": "  Day   case "})
    assert response.status_code == 302
    copied = CriterionTemplate.objects.filter(template_set="Day case")
    original = CriterionTemplate.objects.filter(template_set=SET)
    fields = ("key", "title", "domain", "owner_role", "weight", "pass_rule", "computed_key")
    assert sorted(copied.values_list(*fields)) == sorted(original.values_list(*fields))
    assert all(row.history.count() == 1 for row in copied)


def test_copying_into_a_set_that_exists_is_refused_beside_the_name(readiness: Readiness) -> None:
    client = client_for(readiness.trust.programme_manager)
    response = client.post(f"{LIBRARY}copy/", {"source_set": SET, "new_set": SET})
    assert response.status_code == 200
    assert "already a template set called" in response.context["form"].errors["new_set"][0]
    assert CriterionTemplate.objects.filter(template_set=SET).count() == 3


def test_the_copy_service_refuses_an_unknown_source_set_with_a_code(readiness: Readiness) -> None:
    with pytest.raises(ValidationError) as raised:
        services.copy_template_set(
            access=Access(readiness.trust.programme_manager),
            programme=readiness.trust.programme,
            source_set="Nothing",
            new_set="Day case",
        )
    assert raised.value.error_dict["source_set"][0].code == "no_templates"


@pytest.mark.parametrize("who", ["ward_manager", "executive"])
def test_ward_managers_and_executives_are_refused_the_library(
    readiness: Readiness, who: str
) -> None:
    client = client_for(getattr(readiness.trust, who))
    assert client.get(LIBRARY).status_code == 403
    assert client.get(f"{LIBRARY}{readiness.sso.pk}/").status_code == 403
    assert client.post(f"{LIBRARY}new/", template_data()).status_code == 403
    assert not CriterionTemplate.objects.filter(key="printers-mapped").exists()


def test_a_programme_manager_for_named_areas_only_is_refused(readiness: Readiness) -> None:
    scoped = f.UserFactory(username="scoped-pm")
    f.grant(scoped, Role.PROGRAMME_MANAGER, readiness.trust.programme, [readiness.trust.ward_a])
    assert client_for(scoped).get(LIBRARY).status_code == 403
    with pytest.raises(PermissionDenied):
        services.create_template(
            access=Access(scoped),
            programme=readiness.trust.programme,
            template_set=SET,
            details=details(),
        )


def test_another_programmes_template_is_not_found(readiness: Readiness) -> None:
    elsewhere = f.ProgrammeFactory(organisation=readiness.trust.organisation, name="Other")
    foreign = CriterionTemplate.objects.create(
        programme=elsewhere,
        template_set=SET,
        key="foreign",
        title="Foreign",
        domain=Domain.DATA,
        owner_role=Role.WARD_MANAGER,
    )
    client = client_for(readiness.trust.programme_manager)
    assert client.get(f"{LIBRARY}{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("page", ["/readiness/", "/readiness/board/"])
def test_the_board_and_summary_link_the_library_only_for_its_keepers(
    readiness: Readiness, page: str
) -> None:
    for keeper in (readiness.trust.programme_manager, readiness.chair, readiness.cso):
        assert LIBRARY in client_for(keeper).get(page).content.decode()
    for other in (readiness.trust.ward_manager, readiness.trust.executive):
        assert LIBRARY not in client_for(other).get(page).content.decode()


def test_the_demo_programme_managers_library_shows_the_seeded_set(db: None) -> None:
    seed_demo(staff_count=60)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    seed_readiness_demo(programme=programme)
    response = client_for(User.objects.get(username="pm")).get(LIBRARY)
    body = response.content.decode()
    assert [s.name for s in response.context["library"]] == [TEMPLATE_SET]
    seeded = CriterionTemplate.objects.filter(programme=programme, template_set=TEMPLATE_SET)
    assert seeded.exists()
    assert all(template.title in body for template in seeded)
