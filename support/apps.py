from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Champions and service desk"

    def ready(self) -> None:
        from golive.tiles import register_tile  # noqa: PLC0415 - models are loaded only now
        from support.tiles import support_tile  # noqa: PLC0415

        register_tile("support", support_tile, order=30)

        from golive.audit import register_audited  # noqa: PLC0415
        from support.models import KnownIssue  # noqa: PLC0415

        register_audited(KnownIssue, label="Known issue", programme_path="programme_id")
        from support import copying  # noqa: PLC0415

        copying.register()
        from support import definitions  # noqa: PLC0415

        definitions.register_all()
