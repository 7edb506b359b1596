from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "adoption"
    verbose_name = "Adoption"

    def ready(self) -> None:
        from adoption import signals  # noqa: PLC0415 - models are loaded only now

        signals.connect()
