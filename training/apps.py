from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from golive.dashboard import register_home_alerts  # noqa: PLC0415 - models load first
        from golive.tiles import register_tile  # noqa: PLC0415
        from training.tiles import training_alerts, training_tile  # noqa: PLC0415

        register_tile("training", training_tile, order=20)
        register_home_alerts("training", training_alerts)

        from golive.audit import register_audited  # noqa: PLC0415
        from training.models import Course, Requirement  # noqa: PLC0415

        register_audited(Course, label="Training course", programme_path="programme_id")
        register_audited(
            Requirement,
            label="Training requirement",
            programme_path="go_live__programme_id",
            related=("course",),
        )
        from training import copying  # noqa: PLC0415

        copying.register()
        from training import definitions  # noqa: PLC0415

        definitions.register_all()
