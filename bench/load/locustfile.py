"""Go-live day on the demo trust: the desk, the command centre, executives, readiness chairs
and staff answering the survey, all at once. Run by bench/load/run_load.py (see its
docstring); it reads its targets (criterion ids, survey link, areas) from GOLIVE_LOAD_TARGETS.

Every write is checked for what a user would see: a quick log must redirect to the new
ticket, a criterion edit must come back without an error summary, a survey answer must reach
the thanks page. Anything else is a failure, so "zero errors" means zero.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

# The form reader is shared with bench/load/profile_pages.py (locust runs this file by path).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from html_forms import form_on

TARGETS: dict[str, Any] = json.loads(open(os.environ["GOLIVE_LOAD_TARGETS"]).read())  # noqa: SIM115, PTH123
PASSWORD = "golive-demo-login"  # noqa: S105 - the documented demo password
ERROR_SUMMARY = re.compile(rb"nhsuk-error-summary")
LOGGED = {"tickets": 0}


def as_own_device(user: HttpUser) -> None:
    """Each simulated user is a device of its own behind the trust's proxy."""
    user.client.verify = False  # the run's own self-signed certificate on 127.0.0.1
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    user.client.headers["X-Forwarded-For"] = address


class SignedIn(HttpUser):
    abstract = True
    username = ""
    wait_time = between(1, 4)

    def on_start(self) -> None:
        as_own_device(self)
        page = self.client.get("/accounts/login/", name="login page")
        data = form_on(page.text, "/accounts/login/").filled(
            {"username": self.username, "password": PASSWORD}
        )
        with self.client.post(
            "/accounts/login/", data=data, headers=self._referer("/accounts/login/"),
            allow_redirects=False, name="login", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"login as {self.username} gave {response.status_code}")

    def _referer(self, path: str) -> dict[str, str]:
        # Django checks the Referer of HTTPS form posts against the host.
        return {"Referer": f"{self.host}{path}"}

    def post_form(self, path: str, text: dict[str, str], name: str, *, htmx: bool = False) -> Any:
        headers = {"HX-Request": "true"} if htmx else {}
        page = self.client.get(path, name=f"{name} (form)", headers=headers)
        data = form_on(page.text, path).filled(text)
        headers.update(self._referer(path))
        return self.client.post(
            path, data=data, headers=headers, allow_redirects=False, name=name,
            catch_response=True,
        )  # fmt: skip


class Floorwalker(SignedIn):
    """Logs tickets from the ward on a phone, and looks at the live board."""

    weight = 4
    username = "desk"

    @task(3)
    def quick_log(self) -> None:
        # The area is one of those the form offers (picked from its options).
        text = random.choice(TARGETS["descriptions"])
        with self.post_form(
            "/support/log/",
            {"reporter": "Load test nurse, ext 4000", "description": text},
            "desk: quick log",
        ) as response:
            if response.status_code == 302 and "/support/tickets/" in response.headers.get(
                "Location", ""
            ):
                LOGGED["tickets"] += 1
                response.success()
            else:
                response.failure(f"quick log gave {response.status_code}")

    @task(2)
    def live_board(self) -> None:
        self.client.get("/support/board/", name="desk: live board")
        self.client.get(
            "/support/board/", headers={"HX-Request": "true"}, name="desk: live board (htmx)"
        )


class CommandCentre(SignedIn):
    weight = 2
    username = "pm"

    @task(3)
    def board(self) -> None:
        self.client.get(
            "/support/board/", headers={"HX-Request": "true"}, name="desk: live board (htmx)"
        )

    @task(1)
    def queue(self) -> None:
        self.client.get("/support/tickets/", name="desk: ticket queue")


class Executive(SignedIn):
    weight = 2
    username = "exec"

    @task(2)
    def adoption_dashboard(self) -> None:
        self.client.get("/adoption/dashboard/", name="exec: adoption dashboard")

    @task(1)
    def readiness_board(self) -> None:
        self.client.get("/readiness/board/", name="exec: readiness board")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="exec: home")


class Chair(SignedIn):
    weight = 1
    username = "chair"

    @task
    def edit_criterion(self) -> None:
        pk = random.choice(TARGETS["criteria"])
        rag = random.choice(["amber", "red"])
        with self.post_form(
            f"/readiness/criteria/{pk}/",
            {"rag": rag, "comment": f"Load test update: {rag}"},
            "readiness: criterion edit (htmx)",
            htmx=True,
        ) as response:
            if response.status_code == 200 and not ERROR_SUMMARY.search(response.content):
                response.success()
            else:
                response.failure(f"criterion edit gave {response.status_code}")


class StaffSurvey(HttpUser):
    """Staff answering the go-live survey on their phones through the shared link."""

    weight = 1
    wait_time = between(2, 6)

    def on_start(self) -> None:
        as_own_device(self)

    @task
    def answer(self) -> None:
        path = f"/adoption/feedback/s/{TARGETS['survey_token']}/"
        page = self.client.get(path, name="survey: form")
        data = form_on(page.text, path).filled({"comment": "Quicker than paper once you know it."})
        with self.client.post(
            path, data=data, headers={"Referer": f"{self.host}{path}"},
            allow_redirects=False, name="survey: answer", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 302 and "thanks" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"survey answer gave {response.status_code}")


@events.quitting.add_listener
def _record_logged_tickets(environment: Any, **_: Any) -> None:
    out = os.environ.get("GOLIVE_LOAD_LOGGED")
    if out:
        with open(out, "w") as handle:  # noqa: PTH123
            json.dump(LOGGED, handle)
