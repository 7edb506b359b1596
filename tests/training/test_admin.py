from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.training.conftest import TrainingTrust


@pytest.mark.parametrize(
    "model", [model for model in admin.site._registry if model._meta.app_label == "training"]
)
def test_training_admin_list_and_add_pages_load(
    client: Client, training: TrainingTrust, model: type
) -> None:
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    meta = model._meta

    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))

    assert (changelist.status_code, add.status_code) == (200, 200)
