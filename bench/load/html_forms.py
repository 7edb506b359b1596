"""Reading a page's POST form as a browser would fill it in: shared by the locustfile (which
runs under locust's own Python) and bench/load/profile_pages.py. Standard library only."""

from __future__ import annotations

import random
from html.parser import HTMLParser


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
