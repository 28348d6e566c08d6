"""The venue's daily self-inspection."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from venues.models import Venue
from venues.scoping import venue_scope

from .checklists import Checklist

# --- Self-inspections -----------------------------------------------------------

class SelfInspectionQuerySet(models.QuerySet["SelfInspection"]):
    def visible_to(self, user: Any) -> "SelfInspectionQuerySet":
        return self.filter(venue_scope(user, "venue__"))


class SelfInspection(models.Model):
    """The venue's own checklist for one open day; a missed day is a row marked missed."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        MISSED = "missed", _("Missed")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="self_inspections")
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    failed_items = models.PositiveSmallIntegerField(_("failed items"), default=0)

    objects = SelfInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        ordering = ["-day", "venue_id"]
        constraints = [
            # Once per open day; the missed-day job inserts against this too (ON CONFLICT DO NOTHING).
            models.UniqueConstraint(fields=["venue", "day"], name="selfinspection_once_per_day"),
            models.CheckConstraint(
                condition=Q(status="missed", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False, checklist__isnull=False),
                name="selfinspection_status_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.day} {self.status}"
