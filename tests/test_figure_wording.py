"""The registry sweep: every page, export and API description that shows a registered figure
takes its name (and, where it explains it, its definition) from the registry.

Each case renders one page or export with every definition swapped for a marker
(``registry_markers``) and looks for the markers of the figures it shows. A page that typed
a figure's words itself, or froze them at import, shows the old words and fails. To cover
another figure or page, append a ``Case``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.adoption.analytics.test_pages import RANGE, client_for, live  # noqa: F401 - fixture
from tests.adoption.conftest import import_events, known  # noqa: F401 - fixtures under live
from tests.definitions_support import missing_wording, registry_markers
from tests.training.factories import RequirementFactory
from training.models import Course, TrainingPlan, TrajectoryPoint


def page_text(response: HttpResponse) -> str:
    return response.content.decode()


def xlsx_text(response: HttpResponse) -> str:
    """Every cell of every sheet (the table's headers and the notes sheet)."""
    workbook = load_workbook(io.BytesIO(response.content))
    cells = (
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    return "\n".join(cells)


def json_text(response: HttpResponse) -> str:
    return json.dumps(response.json())


ACTIVE = ("adoption.active_users", "adoption.share_active")
TRAINING = (
    "training.status",
    "training.trained",
    "training.forecast_at_go_live",
    "training.weekly_needed",
)


@dataclass(frozen=True)
class Case:
    url: str  # a URL name
    keys: tuple[str, ...]  # the registered figures it shows
    args: tuple[object, ...] = ()
    role: str = "executive"  # a user of the test trust
    query: str = RANGE
    texts: bool = True  # False: only the names are shown (a bare table, say)
    read: Callable[[HttpResponse], str] = page_text

    @property
    def id(self) -> str:
        return "-".join([self.url, *map(str, self.args), self.role])


CASES = [
    Case("adoption:dashboard", ACTIVE),
    Case("adoption:dashboard", ACTIVE, role="ward_manager"),
    Case("adoption:board_pack", ACTIVE),
    Case("adoption:programme_dashboard", ACTIVE),
    Case("adoption:programme_dashboard", ACTIVE, role="ward_manager"),
    Case("adoption:programme_board_pack", ACTIVE),
    Case("adoption:export", ACTIVE, args=("areas", "csv")),
    Case("adoption:export", ACTIVE, args=("areas", "xlsx"), read=xlsx_text),
    Case("adoption:programme_export", ACTIVE, args=("areas", "csv")),
    Case("adoption:programme_export", ACTIVE, args=("go-lives", "xlsx"), read=xlsx_text),
    Case("training:home", TRAINING, query=""),
    Case("training:home", TRAINING, role="ward_manager", query=""),
    Case("api-schema", ("training.status", "training.weekly_needed"), query="?format=json"),
]


@pytest.fixture
def figures(live: Any) -> Any:  # noqa: F811 - the fixture imported above
    """The adoption test trust (the known extract, wave 1 live on 30 March 2025) with a
    training requirement, a plan and a go-live still to come for the training figures."""
    live.wave_1.user_go_live_date = timezone.localdate() + dt.timedelta(days=21)
    live.wave_1.save()
    course = Course.objects.get(programme=live.programme, code="EPR1")
    RequirementFactory(go_live=live.wave_1, course=course, role_group="nursing")
    RequirementFactory(go_live=live.wave_1, course=course, role_group="medical")
    TrainingPlan.objects.create(go_live=live.wave_1, target_percent=90)
    TrajectoryPoint.objects.create(
        go_live=live.wave_1, on_date=timezone.localdate(), planned_percent=80
    )
    return live


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_figures_are_named_and_defined_by_the_registry(case: Case, figures: Any) -> None:
    client = client_for(getattr(figures, case.role), figures.wave_1)

    with registry_markers():
        response = client.get(reverse(case.url, args=case.args) + case.query)
        content = case.read(response)

    assert response.status_code == 200
    assert missing_wording(content, case.keys, texts=case.texts) == []
