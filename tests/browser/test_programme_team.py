"""A programme team runs Golive itself, in Chromium: the programme manager (not a superuser)
sets up a site, two areas and a go-live copied from Wave 1 with one release, invites a new
ward manager for one of the new areas, and that ward manager signs in and sees exactly that
area; a person without a role asks for access and is let in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from administration.models import AccessRequest, Invitation
from administration.people import tasks
from golive.models import GoLive, Role, RoleGrant
from tests import factories as f
from tests.browser.pages import PASSWORD, assert_accessible, sign_in
from tests.conftest import Trust

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-new-passphrase-42"


def _add_site_and_two_areas(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/setup/")
    assert_accessible(page)
    page.get_by_role("link", name="Sites", exact=True).first.click()
    page.get_by_role("button", name="Add a site").click()
    page.get_by_label("Code").fill("RCH")
    page.get_by_label("Name").fill("Riverside Community Hospital")
    page.get_by_role("button", name="Save site").click()
    expect(page.locator("main")).to_contain_text("Riverside Community Hospital was saved.")

    page.goto(f"{base_url}/setup/areas/new/")
    for code, name in (("RIV1", "Riverside Ward"), ("RIV2", "Willow Ward")):
        page.get_by_label("Site").select_option(label="Riverside Community Hospital")
        page.get_by_label("Code").fill(code)
        page.get_by_label("Name").fill(name)
        page.get_by_role("button", name="Save and add another").click()
        expect(page.locator("main")).to_contain_text(
            f"{name} (Riverside Community Hospital) was saved."
        )


def _copy_wave_1_with_a_release(page: Page, base_url: str, trust: Trust) -> None:
    page.goto(f"{base_url}/setup/")
    page.get_by_role("link", name="New go-live from a previous one").first.click()
    page.get_by_label("Previous go-live").select_option(value=str(trust.wave_1.pk))
    page.get_by_role("button", name="Use this go-live").click()
    page.get_by_label("Name of the new go-live").fill("Wave R")
    page.get_by_label("User go-live", exact=True).fill("01/09/2027")
    page.get_by_label("Riverside Ward").check()
    assert_accessible(page)
    page.get_by_role("button", name="Preview what will be created").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what will be created")
    assert_accessible(page)
    page.get_by_role("button", name="Create the go-live").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wave R")

    page.get_by_role("link", name=re.compile("^Open Wave R")).click()
    page.get_by_role("link", name="Add a release").click()
    page.get_by_label("Name").fill("Inpatient core")
    page.get_by_label("Planned date").fill("2027-09-01")
    page.get_by_role("button", name="Save release").click()
    expect(page.locator("main")).to_contain_text("Inpatient core")
    assert_accessible(page)


def _invite_ward_manager(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/setup/")
    page.get_by_role("link", name="People and access").first.click()
    page.get_by_role("button", name="Invite a person").click()
    page.get_by_label("E-mail address").fill("nia.new@example.nhs.uk")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("New")
    page.get_by_label("E-mail invitation").check()
    page.get_by_label("Role", exact=True).select_option(label="Ward manager")
    page.get_by_label("Named areas").check()
    page.get_by_label("Riverside Ward").check()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("main")).to_contain_text("nia.new@example.nhs.uk")


def _set_password_from_the_email(page: Page, base_url: str) -> None:
    # The worker's part: the invitation e-mail goes out after the invitation is saved.
    tasks.email_invitation(Invitation.objects.get(email="nia.new@example.nhs.uk").pk)
    [message] = [m for m in mail.outbox if "nia.new@example.nhs.uk" in m.to]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body)
    assert link is not None
    page.goto(f"{base_url}{link.group(1)}")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_programme_manager_sets_up_a_wave_and_a_new_ward_manager_sees_only_their_area(
    page: Page, live_server: Any, trust: Trust
) -> None:
    assert not trust.programme_manager.is_superuser
    sign_in(page, live_server.url, "pm")
    _add_site_and_two_areas(page, live_server.url)
    _copy_wave_1_with_a_release(page, live_server.url, trust)
    _invite_ward_manager(page, live_server.url)
    page.get_by_role("button", name="Sign out").click()

    _set_password_from_the_email(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("nia.new@example.nhs.uk")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wave R")
    expect(main).to_contain_text("Riverside Community Hospital")
    expect(main).not_to_contain_text("North Hospital")
    assert_accessible(page)
    page.get_by_role("link", name="Readiness").first.click()
    expect(main).to_contain_text("Riverside Ward")
    for hidden in ("Willow Ward", "Ward A", "Ward B", "Ward C"):
        expect(main).not_to_contain_text(hidden)
    assert page.request.get(f"{live_server.url}/setup/").status == 403

    go_live = GoLive.objects.get(name="Wave R")
    assert list(go_live.releases.values_list("name", flat=True)) == ["Inpatient core"]
    grant = RoleGrant.objects.get(user__username="nia.new@example.nhs.uk")
    assert (grant.role, [a.code for a in grant.areas.all()]) == (Role.WARD_MANAGER, ["RIV1"])


def test_a_person_without_a_role_asks_for_access_and_sees_the_granted_area_once_approved(
    page: Page, live_server: Any, trust: Trust
) -> None:
    f.UserFactory(username="newcomer", first_name="Nell", last_name="Newcomer")
    administrator = f.UserFactory(username="trustadmin")
    f.grant(administrator, Role.ADMINISTRATOR, trust.programme)

    sign_in(page, live_server.url, "newcomer")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("access", re.I))
    assert_accessible(page)
    page.get_by_label(re.compile("What do you need access for")).fill("Ward manager, Ward B")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("main")).to_contain_text(re.compile("waiting", re.I))
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, "trustadmin")
    request = AccessRequest.objects.get(user__username="newcomer")
    page.goto(f"{live_server.url}/people/requests/{request.pk}/")
    assert_accessible(page)
    page.get_by_label("Role to grant").select_option(label="Ward manager")
    page.get_by_label("Named areas").check()
    page.get_by_label("Ward B").check()
    page.get_by_role("button", name=re.compile("Approve", re.I)).click()
    expect(page.locator("main")).to_contain_text("Nell Newcomer was granted access.")
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wave 1")
    assert_accessible(page)
    page.get_by_role("link", name="Readiness").first.click()
    expect(main).to_contain_text("Ward B")
    expect(main).not_to_contain_text("Ward A")
    expect(main).not_to_contain_text("Ward C")
