"""Whatever a reporter types as a ticket's description is shown as text: property-based, over
arbitrary text weighted towards HTML and template syntax."""

from __future__ import annotations

import html
from collections import Counter
from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.models import Ticket

MARKUP_PIECES = st.sampled_from(
    [
        "<",
        ">",
        '"',
        "'",
        "&",
        "/",
        "=",
        "`",
        "{{",
        "}}",
        "{%",
        "%}",
        "<script>",
        "</p>",
        "<img src=x onerror=alert(1)>",
        "javascript:",
        "&lt;",
        "&#x27;",
        " ",
    ]
)
USER_TEXT = st.lists(
    st.one_of(MARKUP_PIECES, st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=5)),
    min_size=1,
    max_size=12,
).map("".join)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, _value in attrs:
            self.tags[f"{tag}[{name}]"] += 1


def tags(page: bytes) -> Counter[str]:
    parser = _Tags()
    parser.feed(page.decode())
    return parser.tags


def test_ticket_description_is_shown_as_text_and_adds_no_markup(
    desk: Any, make_ticket: Any, use_wave_1: Any
) -> None:
    ticket = make_ticket("plain words")
    client = use_wave_1(desk.agent)
    page_url = f"/support/tickets/{ticket.pk}/"
    baseline = {
        "page": tags(client.get(page_url).content),
        "queue": tags(client.get("/support/tickets/", headers={"HX-Request": "true"}).content),
    }

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(text=USER_TEXT)
    def check(text: str) -> None:
        Ticket.objects.filter(pk=ticket.pk).update(description=text)

        page = client.get(page_url)
        queue = client.get("/support/tickets/", headers={"HX-Request": "true"})

        assert text in html.unescape(page.content.decode())
        assert tags(page.content) == baseline["page"]
        assert tags(queue.content) == baseline["queue"]

    check()
