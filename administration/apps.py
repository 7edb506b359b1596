from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "administration"
    verbose_name = "Programme administration"

    def ready(self) -> None:
        from administration.audit import registered  # noqa: PLC0415 - models load first

        registered.register()
