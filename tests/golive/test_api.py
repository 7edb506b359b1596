from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from golive.access import Capability
from golive.api_pagination import CappedLimitOffsetPagination
from golive.models import User
from tests import factories as f
from tests.conftest import Trust


def test_ward_manager_api_lists_only_their_areas(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    body = client.get("/api/v1/areas/").json()

    assert [area["name"] for area in body["results"]] == ["Ward A"]


def test_ward_manager_cannot_fetch_another_wards_staff_member(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.get(f"/api/v1/staff/{trust.staff_b.pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_go_live_api_shows_only_visible_scope_areas(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    go_lives = client.get("/api/v1/go-lives/").json()["results"]

    assert {tuple(g["area_ids"]) for g in go_lives} == {(trust.ward_a.pk,)}


def test_executive_is_refused_staff_records_as_on_the_staff_list(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.executive)

    assert client.get("/api/v1/staff/").status_code == 403


class _WritableView(APIView):
    write_capability = Capability.MANAGE_GO_LIVES

    def post(self, request: Request) -> Response:
        return Response({"ok": True})


@pytest.mark.parametrize(("username", "status"), [("pm", 200), ("exec", 403), ("wm", 403)])
def test_writes_need_the_views_write_capability(trust: Trust, username: str, status: int) -> None:
    request = APIRequestFactory().post("/x/", {}, format="json")
    force_authenticate(request, user=User.objects.get(username=username))

    response = _WritableView.as_view()(request)

    assert response.status_code == status


def test_views_without_a_write_capability_refuse_every_write(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    response = client.post("/api/v1/staff/", {"full_name": "New"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_page_size_is_capped(client: Client, trust: Trust) -> None:
    for _ in range(3):
        f.AreaFactory(site=trust.ward_a.site)
    client.force_login(trust.programme_manager)

    response = client.get("/api/v1/areas/", {"limit": 2})

    assert len(response.json()["results"]) == 2
    assert CappedLimitOffsetPagination.max_limit == 500


def test_me_describes_the_callers_roles(client: Client, trust: Trust) -> None:
    client.force_login(trust.executive)

    assert client.get("/api/v1/me/").json() == {
        "username": "exec",
        "display_name": "exec",
        "roles": ["executive"],
        "is_read_only": True,
    }


def test_anonymous_api_call_gets_a_structured_error(client: Client, db: None) -> None:
    response = client.get("/api/v1/areas/")

    assert response.status_code == 403
    assert set(response.json()) == {"code", "message"}


def test_openapi_schema_documents_the_error_shape(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert "Error" in schema["components"]["schemas"]
    assert "404" in schema["paths"]["/api/v1/staff/{id}/"]["get"]["responses"]


def test_api_docs_are_served_from_local_assets(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    body = client.get("/api/docs/").content.decode()

    assert "swagger-ui" in body
    assert "cdn" not in body.lower()
    assert "/static/drf_spectacular_sidecar/" in body
