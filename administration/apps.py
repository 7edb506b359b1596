from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "administration"
    verbose_name = "Programme administration"

    def ready(self) -> None:
        from administration.audit import registered  # noqa: PLC0415 - models load first

        registered.register()

        from administration.people import services  # noqa: PLC0415 - apps are ready now
        from golive.oidc import register_pre_provisioned_link  # noqa: PLC0415

        register_pre_provisioned_link(services.link_pre_provisioned_account)
