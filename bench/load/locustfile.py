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
from html.parser import HTMLParser
from typing import Any

from locust import HttpUser, between, events, task

TARGETS: dict[str, Any] = json.loads(open(os.environ["GOLIVE_LOAD_TARGETS"]).read())  # noqa: SIM115, PTH123
PASSWORD = "golive-demo"  # noqa: S105 - the documented demo password
ERROR_SUMMARY = re.compile(rb"nhsuk-error-summary")
LOGGED = {"tickets": 0}


class FormFields(HTMLParser):
    """The fields of the page's POST form to ``action`` (not, say, the go-live switcher), as
    a browser would send them: hidden values kept, one choice per radio group and select,
    text where text goes."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.in_form = False
        self.done = False
        self.fields: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.selects: dict[str, list[str]] = {}
        self.current_select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if (
            tag == "form"
            and not self.done
            and a.get("method", "").lower() == "post"
            and a.get("action", "") in {"", self.action}
        ):
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
            elif kind in {"hidden", "text", "email", "tel", "url", "number"}:
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self.current_select = name
            self.selects[name] = []
        elif tag == "option" and self.current_select and a.get("value"):
            self.selects[self.current_select].append(a["value"])
        elif tag == "textarea" and name:
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.current_select = None
        if tag == "form" and self.in_form:
            self.in_form = False
            self.done = True

    def filled(self, text: dict[str, str]) -> dict[str, str]:
        data = dict(self.fields)
        for name, values in self.radios.items():
            data[name] = random.choice(values)
        for name, values in self.selects.items():
            if values and not data.get(name):
                data[name] = random.choice(values)
        data.update(text)
        return data


def form_on(html: str, action: str) -> FormFields:
    parser = FormFields(action)
    parser.feed(html)
    return parser


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
