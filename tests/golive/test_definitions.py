"""The definitions registry: one text per figure, a glossary page and an API list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from golive import definitions
from golive.models import Role, User
from tests.definitions_support import missing_wording, registry_markers
from tests.factories import ProgrammeFactory, UserFactory, grant


def test_registering_a_figure_twice_with_other_words_is_refused() -> None:
    definitions.register("test.figure", "Figure", "One way.")
    with pytest.raises(ValueError, match="already defined"):
        definitions.register("test.figure", "Figure", "Another way.")
    definitions._REGISTRY.pop("test.figure")


def test_asking_for_an_unregistered_figure_names_it() -> None:
    with pytest.raises(KeyError, match=r"nothing\.here"):
        definitions.get("nothing.here")


def test_export_notes_list_each_figure_once_in_the_order_given() -> None:
    lines = definitions.notes(
        ["adoption.share_active", "adoption.active_users", "adoption.share_active"]
    )
    share, active = (
        definitions.get("adoption.share_active"),
        definitions.get("adoption.active_users"),
    )
    assert lines == [f"{share.label}: {share.text}", f"{active.label}: {active.text}"]


def _executive() -> User:
    user = UserFactory()
    grant(user, Role.EXECUTIVE, ProgrammeFactory())
    return user


@pytest.mark.django_db
def test_the_glossary_page_shows_every_registered_figure_from_the_registry(client: Client) -> None:
    client.force_login(_executive())
    with registry_markers():
        content = client.get(reverse("definitions")).content.decode()
    keys = [d.key for d in definitions.all_definitions()]
    assert keys
    assert missing_wording(content, keys) == []


@pytest.mark.django_db
def test_the_api_lists_every_figure_with_its_definition(client: Client) -> None:
    client.force_login(_executive())
    body = client.get(reverse("api-definitions")).json()
    assert {row["key"]: row["definition"] for row in body} == {
        d.key: d.text for d in definitions.all_definitions()
    }
