from django.apps import AppConfig


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = "Golive core"

    def ready(self) -> None:
        from golive import audit, worker_heartbeat  # noqa: PLC0415 - models are loaded only now

        worker_heartbeat.connect()
        audit.register_core_types()
