from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from adoption.analytics import rollups


class Command(BaseCommand):
    help = "Recompute every daily adoption rollup from the imported events."

    def handle(self, *args: Any, **options: Any) -> None:
        result = rollups.rebuild_all()
        self.stdout.write(
            f"Rebuilt rollups for {result.days} days: {result.rollup_rows} event rows, "
            f"{result.activity_rows} user-activity rows."
        )
