from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class GoliveAdminConfig(admin_apps.AdminConfig):
    default = False
    # The site's module imports models (the second-factor check), so it is named here
    # rather than loaded with the app registry.
    default_site = "golive.admin_site.GoliveAdminSite"


class GoliveConfig(AppConfig):
    default = True
    name = "golive"
    verbose_name = "Golive core"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record  # noqa: PLC0415

        from golive import (  # noqa: PLC0415 - models are loaded only now
            audit,
            small_numbers,
            worker_heartbeat,
        )
        from golive.api_fields import make_request_types_strict  # noqa: PLC0415
        from golive.fields import scrub_history_change_reason  # noqa: PLC0415

        make_request_types_strict()
        worker_heartbeat.connect()
        # Every history table, whichever app's model it records.
        pre_create_historical_record.connect(scrub_history_change_reason)
        audit.register_core_types()
        small_numbers.register_definition()
