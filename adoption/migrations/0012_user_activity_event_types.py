"""What each user did, per activity row: the event types and order types that distinct-user
metrics filter on (``DailyUserActivity.event_mask`` / ``order_mask``, filled by the rollups).

Built-in metrics lose the descriptions they were shipped with (when unedited): a built-in's
definition is now registered once, in words generated from its settings
(``adoption.analytics.builtins``), and a second text beside it could only drift.

Existing activity rows are filled here, set-wise from the events, with the bit order as it was when
this migration was written (``adoption.models.type_bits``: a type's position in the
choices; new types are appended, so these bits never change meaning). Running
``rollups.rebuild_all`` afterwards gives the same masks.
"""

from django.db import migrations, models

EVENT_TYPES = [
    "login",
    "login_failed",
    "order_placed",
    "result_viewed",
    "note_signed",
    "documentation",
    "medication_administered",
    "procedure_recorded",
]
ORDER_TYPES = ["pathology", "radiology", "pharmacy", "microbiology", "other"]


def _event_mask() -> str:
    return " + ".join(
        f"max(CASE WHEN event_type = '{value}' THEN {1 << n} ELSE 0 END)"
        for n, value in enumerate(EVENT_TYPES)
    )


def _order_mask() -> str:
    return " + ".join(
        f"max(CASE WHEN event_type = 'order_placed' AND order_type = '{value}' "
        f"THEN {1 << n} ELSE 0 END)"
        for n, value in enumerate(ORDER_TYPES)
    )


# UPDATE ... FROM: PostgreSQL, and SQLite 3.33 and newer (as rollups.LINK_ACTIVITY_SQL).
BACKFILL = f"""
UPDATE adoption_dailyuseractivity SET event_mask = m.event_mask, order_mask = m.order_mask
FROM (
    SELECT local_date, area_id, epr_user_id,
        {_event_mask()} AS event_mask, {_order_mask()} AS order_mask
    FROM adoption_event
    GROUP BY local_date, area_id, epr_user_id
) m
WHERE adoption_dailyuseractivity.local_date = m.local_date
    AND adoption_dailyuseractivity.area_id = m.area_id
    AND adoption_dailyuseractivity.epr_user_id = m.epr_user_id
"""


# The descriptions built-ins were created with: only these exact texts are cleared, so a
# programme's own wording stays.
SHIPPED_DESCRIPTIONS = {
    "Pathology orders per day": "Pathology orders placed in the EPR each day.",
    "Radiology orders per day": "Radiology orders placed in the EPR each day.",
    "Pharmacy orders per day": "Pharmacy orders placed in the EPR each day.",
    "EPR events per day": "Everything recorded in the EPR each day apart from failed log-ins: "
    "the measure of the go-live dip and recovery.",
    "Active users per day": "Distinct people who did anything in the EPR that day, apart from "
    "failing to log in.",
    "Log-in attempts per day": "Successful and failed log-ins.",
    "Failed log-ins per day": "Log-ins the EPR refused.",
    "Login failure rate": "Failed log-ins as a share of all log-in attempts.",
    "Documentation events per active user": "Documentation recorded each day, divided by that "
    "day's active users.",
    "Share of in-scope staff active": "Staff on the areas' staff lists, in post that day, who "
    "used the EPR.",
    "Share of trained staff active": "Staff who had completed a course of the programme by "
    "that day and used the EPR that day.",
}


def clear_shipped_descriptions(apps, schema_editor):
    Metric = apps.get_model("adoption", "Metric")
    for name, text in SHIPPED_DESCRIPTIONS.items():
        Metric.objects.filter(is_builtin=True, name=name, description=text).update(description="")


class Migration(migrations.Migration):

    dependencies = [
        ("adoption", "0011_dry_runs_not_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyuseractivity",
            name="event_mask",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dailyuseractivity",
            name="order_mask",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(clear_shipped_descriptions, migrations.RunPython.noop),
    ]
