"""What a programme team does to run Golive itself: invitations, access requests, and the
record of go-lives set up from previous ones. Organisation structure, go-lives and role
grants themselves are the core's (``golive.models``); these pages and services write them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from golive.fields import FreeTextField
from golive.models import Area, GoLive, Programme, Role, Site


class Invitation(models.Model):
    """A person invited by e-mail (a set-password link) or pre-provisioned for single
    sign-on, with the role they will hold. The account and its grant exist from the moment
    of the invitation; this row records who invited whom, and when it was taken up."""

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail invitation (sets a password)"
        SINGLE_SIGN_ON = "sso", "Single sign-on (signs in with the trust's account)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField()
    role = models.CharField(max_length=40, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-invited_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_kind_display()})"


class AccessRequest(models.Model):
    """A signed-in person with no role asking a programme's administrators for one."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="access_requests"
    )
    # What the person says they need ("ward manager, Ward 7B"); the approver decides.
    message = FreeTextField(blank=True)
    requested_role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = FreeTextField(blank=True)
    # What approval granted: the role and its scope (a site, areas, or the programme).
    granted_role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    granted_site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_areas = models.ManyToManyField(Area, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open request per person and programme: asking again adds nothing.
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=Q(status="pending"),
                name="access_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.programme} ({self.get_status_display()})"


class GoLiveCopy(models.Model):
    """A go-live set up from a previous one: what was copied, by whom and when."""

    source = models.ForeignKey(GoLive, on_delete=models.PROTECT, related_name="copies_made")
    target = models.OneToOneField(GoLive, on_delete=models.CASCADE, related_name="copied_from")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Days the target's user go-live falls after the source's: milestones keep their offset.
    offset_days = models.IntegerField()
    # What each copy step created, as the preview listed it: {step key: [item labels]}.
    created = models.JSONField(default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "go-live copy"
        verbose_name_plural = "go-live copies"

    def __str__(self) -> str:
        return f"{self.target} from {self.source}"
