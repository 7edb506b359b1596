"""Every NHS.UK class a template names is whole: no empty element or modifier
("nhsuk-table__", "nhsuk-table__header--"), which matches no style and hides a typo."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

CLASS_ATTRIBUTE = re.compile(r'class="([^"{]*)"')


def test_no_template_names_an_empty_element_or_modifier_class() -> None:
    broken = [
        f"{path.relative_to(settings.BASE_DIR)}: {token}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for value in CLASS_ATTRIBUTE.findall(path.read_text())
        for token in value.split()
        if token.endswith(("__", "--"))
    ]

    assert broken == []
