from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness and command & control"

    def ready(self) -> None:
        from golive.tiles import register_tile  # noqa: PLC0415 - models are loaded only now
        from readiness.tiles import readiness_tile  # noqa: PLC0415

        register_tile("readiness", readiness_tile, order=10)
