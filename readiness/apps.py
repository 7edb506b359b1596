from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness and command & control"

    def ready(self) -> None:
        # Readiness builds on the service desk, never the reverse: it tells the desk who
        # hears about an escalation (the leads of the command cells at its level).
        from readiness.command.selectors import cell_leads  # noqa: PLC0415 - models load first
        from support import notices  # noqa: PLC0415

        notices.register_escalation_recipients(cell_leads)

        from golive.tiles import register_tile  # noqa: PLC0415 - models are loaded only now
        from readiness.tiles import readiness_tile  # noqa: PLC0415

        register_tile("readiness", readiness_tile, order=10)

        from readiness import audited  # noqa: PLC0415

        audited.register()
        from readiness import copying  # noqa: PLC0415

        copying.register()
