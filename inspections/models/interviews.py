"""Interviews (约谈), interview tasks and sanctions: police-only records."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import may
from daodao.uploads import RandomName
from venues.models import Venue
from venues.scoping import NOTHING, venue_scope

from .inspections import Inspection

# --- Interviews, tasks and sanctions ----------------------------------------------

class PoliceOnlyQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> "PoliceOnlyQuerySet":
        if user is None or not may(user, "works_police_side"):
            return self.filter(NOTHING)
        return self.filter(venue_scope(user, "venue__"))


class InterviewReason(models.TextChoices):
    NO_PREVENTION_TRAINING = "no_prevention_training", _("No prevention training")
    OVERDUE_RECTIFICATION = "overdue_rectification", _("Overdue rectification")
    REPEATED_FINDINGS = "repeated_findings", _("Repeated findings")
    OTHER = "other", _("Other")


class Interview(models.Model):
    """约谈: a formal talk with a venue head, recorded with a signed note."""

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="interviews")
    attendee = models.CharField(_("attendee (venue head)"), max_length=50)
    reason = models.CharField(_("reason"), max_length=24, choices=InterviewReason.choices)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="+")
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("summary"))
    commitments = models.TextField(_("commitments"), blank=True)
    signed_note = models.FileField(_("signed note"), upload_to=RandomName("inspections/interviews"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PoliceOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.held_on}"


class InterviewTask(models.Model):
    """A task for the police to hold an interview, raised by a job (training, overdue rectification)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="interview_tasks")
    reason = models.CharField(_("reason"), max_length=24, choices=InterviewReason.choices)
    # What raised it, e.g. "rectification:12" or "training:manager:7"; with venue and reason it
    # makes raising idempotent (see the partial unique constraint).
    source = models.CharField(_("source"), max_length=64)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    interview = models.ForeignKey(Interview, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = PoliceOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview task")
        verbose_name_plural = _("interview tasks")
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "reason", "source"], condition=Q(status="open"),
                                    name="interviewtask_one_open_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.reason}"


class Sanction(models.Model):
    """A warning (警示) or a public exposure (曝光) of a venue."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        EXPOSURE = "exposure", _("Public exposure")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("warning or exposure")
        verbose_name_plural = _("warnings and exposures")
        ordering = ["-issued_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="sanction_has_reason")]

    def __str__(self) -> str:
        return f"{self.kind} {self.venue_id}"
