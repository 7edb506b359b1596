from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "adoption"
    verbose_name = "Adoption"

    def ready(self) -> None:
        from adoption import wiring  # noqa: PLC0415 - models are loaded only now

        wiring.connect()
        from adoption import definitions  # noqa: PLC0415

        definitions.register_all()
