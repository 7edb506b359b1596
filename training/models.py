"""Training: courses and completions. (Requirements, trajectories and confidence checks are
built on these by the training issue.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from golive.models import Programme, StaffMember, code_validator


class Course(models.Model):
    class Delivery(models.TextChoices):
        E_LEARNING = "e_learning", "E-learning"
        CLASSROOM = "classroom", "Classroom"
        WORKSHOP = "workshop", "Workshop"
        SUPER_USER = "super_user", "Super-user training"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(max_length=32, validators=[code_validator])
    name = models.CharField(max_length=200)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    duration_minutes = models.PositiveIntegerField(default=60)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="course_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Completion(models.Model):
    """A staff member completed a course. One row per person and course: the latest date."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField()
    batch = models.ForeignKey(
        "adoption.ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "course"], name="completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff} completed {self.course} on {self.completed_on:%Y-%m-%d}"
