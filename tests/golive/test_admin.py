from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.conftest import Trust


@pytest.mark.parametrize(
    "model", [model for model in admin.site._registry if model._meta.app_label == "golive"]
)
def test_admin_list_and_add_pages_load(client: Client, trust: Trust, model: type) -> None:
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    meta = model._meta

    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))

    assert changelist.status_code == 200
    # Some rows are made only by their owners (API tokens): their add page is refused.
    may_add = admin.site._registry[model].has_add_permission(changelist.wsgi_request)
    assert add.status_code == (200 if may_add else 403)


def test_changes_made_in_admin_keep_history_of_who_changed_what(
    client: Client, trust: Trust
) -> None:
    admin_user = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    area = trust.ward_a

    client.post(
        reverse("admin:golive_area_change", args=[area.pk]),
        {
            "site": area.site_id,
            "code": area.code,
            "name": "Ward A (renamed)",
            "area_type": "ward",
            "specialty": "",
            "is_active": "on",
        },
    )

    latest = area.history.latest()
    assert latest.name == "Ward A (renamed)"
    assert latest.history_user == admin_user


def test_staff_user_who_is_not_a_superuser_cannot_open_the_admin(
    client: Client, trust: Trust
) -> None:
    client.force_login(f.UserFactory(is_staff=True))

    response = client.get("/admin/golive/staffmember/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_role_grant_cannot_name_another_organisations_area(client: Client, trust: Trust) -> None:
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    foreign = f.AreaFactory()

    response = client.post(
        reverse("admin:golive_rolegrant_add"),
        {
            "user": trust.outsider.pk,
            "role": "ward_manager",
            "programme": trust.programme.pk,
            "areas": [foreign.pk],
        },
    )

    assert response.status_code == 200
    assert "belong to another organisation" in response.content.decode()
    assert not trust.outsider.role_grants.exists()
