from django.apps import AppConfig


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = "Golive core"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record  # noqa: PLC0415

        from golive import audit, worker_heartbeat  # noqa: PLC0415 - models are loaded only now
        from golive.fields import scrub_history_change_reason  # noqa: PLC0415

        worker_heartbeat.connect()
        # Every history table, whichever app's model it records.
        pre_create_historical_record.connect(scrub_history_change_reason)
        audit.register_core_types()
