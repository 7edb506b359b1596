from django.apps import AppConfig


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = "Golive core"

    def ready(self) -> None:
        from golive import audit, worker_heartbeat  # noqa: PLC0415 - models are loaded only now
        from golive.api_fields import make_request_types_strict  # noqa: PLC0415

        make_request_types_strict()
        worker_heartbeat.connect()
        audit.register_core_types()
