"""Inspections by officers and partner departments, their departments and item results.

An undercover visit (暗访) is police-only and does not exist for the venue, not even as a
count, until the officer discloses its findings; a planned inspection is never visible to
the venue. That lives in ``InspectionQuerySet.visible_to`` and nowhere else."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import may
from accounts.roles import Department
from daodao.uploads import RandomName
from venues.models import Venue
from venues.scoping import NOTHING, venue_scope

from .checklists import Checklist, ChecklistItem
from .self_inspections import SelfInspection

# --- Inspections ----------------------------------------------------------------

class InspectionQuerySet(models.QuerySet["Inspection"]):
    def visible_to(self, user: Any) -> "InspectionQuerySet":
        """Police see every inspection of their area; partners those their department took
        part in (never undercover); venue managers only carried-out inspections of their
        venue, and undercover ones only once disclosed; association staff none."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.filter(NOTHING)
        qs = self.filter(venue_scope(user, "venue__"))
        if may(user, "works_police_side"):
            return qs
        if user.is_partner:
            took_part = InspectionDepartment.objects.filter(inspection=OuterRef("pk"), department=user.department)
            return qs.filter(Exists(took_part)).exclude(type=Inspection.Type.UNDERCOVER)
        if user.is_manager:
            return qs.filter(status=Inspection.Status.DONE).filter(
                ~Q(type=Inspection.Type.UNDERCOVER) | Q(disclosed_at__isnull=False)
            )
        return qs.filter(NOTHING)

    def planned(self) -> "InspectionQuerySet":
        return self.filter(status=Inspection.Status.PLANNED)


class Inspection(models.Model):
    class Type(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        SURPRISE = "surprise", _("Surprise")
        UNDERCOVER = "undercover", _("Undercover")
        JOINT = "joint", _("Joint")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Carried out")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        NO_PROBLEM = "no_problem", _("No problem")
        RECTIFICATION = "rectification", _("Rectification order")
        WARNING = "warning", _("Warning")
        INTERVIEW = "interview", _("Interview")
        EXPOSURE = "exposure", _("Public exposure")
        CASE_REFERRAL = "case_referral", _("Case referral")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="inspections")
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_inspections")
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    summary = models.TextField(_("findings (free text)"), blank=True)
    people_tested = models.PositiveIntegerField(_("people tested"), default=0)
    positives = models.PositiveIntegerField(_("positive tests"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    disclosed_at = models.DateTimeField(_("disclosed to the venue at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-carried_out_at", "-planned_for", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(positives__lte=models.F("people_tested")),
                                   name="inspection_positives_le_tested"),
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(carried_out_at__isnull=False) & ~Q(outcome="")),
                name="inspection_done_has_time_and_outcome",
            ),
            models.CheckConstraint(condition=~Q(status="planned") | Q(planned_for__isnull=False),
                                   name="inspection_planned_has_date"),
            models.CheckConstraint(condition=Q(disclosed_at__isnull=True) | Q(type="undercover"),
                                   name="inspection_only_undercover_is_disclosed"),
        ]
        indexes = [
            # The plan/calendar and the "last inspection per venue" of the supervision schedule.
            models.Index(fields=["venue", "status", "carried_out_at"], name="inspection_venue_status_idx"),
            models.Index(fields=["status", "planned_for"], name="inspection_plan_idx"),
            # The plan page's "carried out" list, newest first: a page read by index, not a
            # sort of the city's year of inspections (~75,000).
            models.Index(fields=["status", "carried_out_at"], name="inspection_done_at_idx"),
            # The home's "planned for you": one officer's open plans, whatever the area's size.
            models.Index(fields=["assignee", "planned_for"], condition=Q(status="planned"),
                         name="inspection_assignee_plan_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.venue_id} {self.planned_for or ''}"

    @property
    def is_overdue_plan(self) -> bool:
        return (self.status == self.Status.PLANNED and self.planned_for is not None
                and self.planned_for < timezone.localdate())

    @property
    def is_hidden_from_venue(self) -> bool:
        return self.type == self.Type.UNDERCOVER and self.disclosed_at is None


class InspectionDepartment(models.Model):
    """The departments taking part: one for most inspections, several for a joint one."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="departments")
    department = models.CharField(_("department"), max_length=16, choices=Department.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "department"],
                                               name="inspectiondepartment_unique")]

    def __str__(self) -> str:
        return self.department


class ItemResult(models.Model):
    """One checklist item's result, for a self-inspection or an inspection (exactly one)."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NA = "na", _("Not applicable")

    self_inspection = models.ForeignKey(SelfInspection, null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="results")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    photo = models.FileField(_("photo"), upload_to=RandomName("inspections/items"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(self_inspection__isnull=True, inspection__isnull=False)
                | Q(self_inspection__isnull=False, inspection__isnull=True),
                name="itemresult_exactly_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.result}"
