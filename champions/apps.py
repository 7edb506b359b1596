from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Champions, super users and rosters"

    def ready(self) -> None:
        from champions import copying  # noqa: PLC0415 - models load first

        copying.register()
