from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from administration.audit.demo import seed_audit_demo
from administration.copying.demo import seed_copying_demo
from administration.people.demo import NEW_STARTER, seed_people_demo
from administration.structure.demo import seed_structure_demo
from adoption.analytics.demo import seed_analytics_demo
from adoption.feedback.demo import seed_feedback_demo
from adoption.imports.demo import seed_adoption_demo, seed_dry_run_demo, seed_withdrawal_demo
from champions.demo import seed_champions_demo
from golive.demo import DEMO_PASSWORD, DEMO_PROGRAMME, seed_demo
from golive.models import Programme, User
from readiness.demo import seed_readiness_demo
from support.demo import seed_support_demo
from training.demo import seed_training_demo


class Command(BaseCommand):
    help = "Build the demo trust (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--staff", type=int, default=4000, help="Number of demo staff.")
        parser.add_argument(
            "--allow-non-debug",
            action="store_true",
            help="Seed even though DEBUG is off (demo logins share a published password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["staff"] < 1:
            raise CommandError("--staff must be at least 1.")
        if not settings.DEBUG and not options["allow_non_debug"]:
            raise CommandError(
                "DEBUG is off, so this looks like a real installation: the demo adds logins "
                "with a published password. Pass --allow-non-debug to seed anyway."
            )
        summary = seed_demo(staff_count=options["staff"])
        programme = Programme.objects.get(name=DEMO_PROGRAMME)
        importer = User.objects.get(username="pm")
        # Order matters: training before champions (super users count once trained) and
        # analytics and readiness last (rollups, metrics and computed criteria read the rest).
        trainer = User.objects.get(username="trainer")
        seeders: tuple[Callable[[], Iterable[str]], ...] = (
            lambda: seed_structure_demo(programme=programme),
            lambda: seed_adoption_demo(programme=programme, user=importer),
            lambda: seed_withdrawal_demo(programme=programme, user=importer),
            lambda: seed_dry_run_demo(programme=programme, user=importer),
            lambda: seed_training_demo(programme=programme, user=trainer),
            lambda: seed_champions_demo(programme=programme),
            lambda: seed_support_demo(programme=programme),
            lambda: seed_analytics_demo(programme=programme, user=importer),
            lambda: seed_feedback_demo(programme=programme, user=importer),
            lambda: seed_readiness_demo(programme=programme),
            lambda: seed_audit_demo(programme=programme, user=importer),
            # After readiness: staff members own one of its actions and a duty.
            lambda: seed_people_demo(programme=programme),
            # Last: Wave 4 is set up from Wave 2 as every app's demo left it.
            lambda: seed_copying_demo(programme=programme),
        )
        for seeder in seeders:
            for line in seeder():
                self.stdout.write(line)
        self.stdout.write(
            f"Demo trust ready: {summary.sites} sites, {summary.areas} areas, "
            f"{summary.staff} staff, {summary.go_lives} go-lives."
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in summary.logins:
            scope = ", ".join(login.area_codes) or "whole programme"
            self.stdout.write(f"  {login.username:<14} {login.role.label} ({scope})")
        self.stdout.write(f"  {NEW_STARTER:<14} No role yet: asks for access")
