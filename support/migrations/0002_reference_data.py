"""Seed the desk's reference data (see ``support.reference_data``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from support.reference_data import ensure_reference_data


def seed(apps: Any, schema_editor: Any) -> None:
    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
