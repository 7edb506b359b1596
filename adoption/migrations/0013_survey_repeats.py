"""One survey response per respondent per week: the respondent's hash, the period a response
counts for, and the repeat flag. Earlier responses get their period from when they were
sent and no respondent (they all count, as they did)."""

import datetime as dt

import django.utils.timezone
from django.db import migrations, models


BATCH = 1000


def fill_periods(apps, schema_editor):
    """Each response's period, written in batches of BATCH rows (one UPDATE per batch, not
    per row). The week is worked out in Python, in the trust's time zone as
    ``score.period_of`` does, so SQLite and PostgreSQL give the same answer without
    database time-zone functions."""
    SurveyResponse = apps.get_model("adoption", "SurveyResponse")
    batch = []
    for response in SurveyResponse.objects.only("pk", "submitted_at").order_by("pk").iterator(
        chunk_size=BATCH
    ):
        day = django.utils.timezone.localtime(response.submitted_at).date()
        response.period = day - dt.timedelta(days=day.weekday())
        batch.append(response)
        if len(batch) == BATCH:
            SurveyResponse.objects.bulk_update(batch, ["period"])
            batch = []
    if batch:
        SurveyResponse.objects.bulk_update(batch, ["period"])


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0012_user_activity_event_types"),
    ]

    operations = [
        migrations.AlterField(
            model_name="surveyresponse",
            name="submitted_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="surveyresponse",
            name="respondent",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="surveyresponse",
            name="is_repeat",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="surveyresponse",
            name="period",
            field=models.DateField(
                null=True, help_text="The Monday of the week the response counts for."
            ),
        ),
        migrations.RunPython(fill_periods, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="surveyresponse",
            name="period",
            field=models.DateField(help_text="The Monday of the week the response counts for."),
        ),
        migrations.AddConstraint(
            model_name="surveyresponse",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_repeat", False), models.Q(("respondent", ""), _negated=True)),
                fields=("survey", "respondent", "period"),
                name="survey_response_one_per_period",
            ),
        ),
    ]
