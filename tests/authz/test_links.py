"""No link leads anyone to a 403: signed in as each demo role, follow every link the pages
render for that role (navigation, home, section pages, sub-navigation tabs, tiles, htmx
fragments) and expect none of them to refuse the role."""

from __future__ import annotations

import pytest

from tests.crawl import crawl

from .policy import OK, POLICY, SIGNED_IN
from .runner import client_for
from .world import World

# Each section's landing page: a role the policy lets in must find a link to it.
LANDING_PAGES = (
    "readiness:home",
    "readiness:command",
    "training:home",
    "champions:home",
    "support:home",
    "adoption:home",
    "staff_list",
    "setup:home",
)


@pytest.mark.postgres
@pytest.mark.parametrize("role", SIGNED_IN)
def test_no_link_rendered_for_a_role_leads_it_to_a_403(world: World, db: None, role: str) -> None:
    client = client_for(world, role)
    responses: list[tuple[str, object]] = []
    found_on: dict[str, str] = {}

    visits, _ = crawl(client, ["/"], responses=responses, found_on=found_on)

    refused = [
        f"{path} (linked from {found_on.get(path, 'the start')})"
        for path, response in responses
        if getattr(response, "status_code", None) == 403
    ]
    assert not refused, f"Links that lead {role} to a 403:\n" + "\n".join(refused)
    expected = {name for name in LANDING_PAGES if POLICY[name]["GET"][role] == OK}
    assert expected <= set(visits), f"{role} found no link to {sorted(expected - set(visits))}"
