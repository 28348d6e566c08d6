"""Self-inspections, police and partner inspections, findings, rectification orders,
interviews (约谈) and interview tasks, warnings and public exposure.

Visibility is the sharp edge here: an undercover visit (暗访) is police-only and does not
exist for the venue, not even as a count, until the officer discloses its findings; a
planned inspection is never visible to the venue (surprise inspections must surprise).
All of that lives in the ``visible_to`` querysets below and nowhere else.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daodao.uploads import RandomName
from venues.models import Venue
from venues.scoping import NOTHING, venue_scope


class Department(models.TextChoices):
    NARCOTICS = "narcotics", _("Narcotics")
    PUBLIC_ORDER = "public_order", _("Public order")
    CULTURE_TOURISM = "culture_tourism", _("Culture & tourism")
    FIRE = "fire", _("Fire")


class Severity(models.TextChoices):
    LOW = "low", _("Minor")
    MEDIUM = "medium", _("Moderate")
    HIGH = "high", _("Serious")


def _is_police(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_police or user.is_system_admin))


# --- Checklists -----------------------------------------------------------------

class Checklist(models.Model):
    """A versioned checklist: the venue's daily self-inspection, or one per department.

    A new version is a new row with its own items; results point at the items of the
    version that was used, so old records read as they were filled in.
    """

    class Kind(models.TextChoices):
        SELF = "self", _("Daily self-inspection")
        NARCOTICS = "narcotics", _("Narcotics inspection")
        PUBLIC_ORDER = "public_order", _("Public-order inspection")
        CULTURE_TOURISM = "culture_tourism", _("Culture & tourism inspection")
        FIRE = "fire", _("Fire inspection")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=100)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="checklist_kind_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    group = models.CharField(_("group"), max_length=50)
    text = models.CharField(_("item"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # How serious a failure of this item is by default (the officer may change it per finding).
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "order", "id"]

    def __str__(self) -> str:
        return self.text


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


# --- Inspections ----------------------------------------------------------------

class InspectionQuerySet(models.QuerySet["Inspection"]):
    def visible_to(self, user: Any) -> "InspectionQuerySet":
        """Police see every inspection of their area; partners those their department took
        part in (never undercover); venue managers only carried-out inspections of their
        venue, and undercover ones only once disclosed; association staff none."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.filter(NOTHING)
        qs = self.filter(venue_scope(user, "venue__"))
        if _is_police(user):
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


# --- Findings and rectification -------------------------------------------------

class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user: Any) -> "FindingQuerySet":
        if user is None or not user.is_authenticated:
            return self.filter(NOTHING)
        # A correlated EXISTS, not ``inspection__in``: under the OR an IN subquery is planned
        # as one hashed set of every visible inspection (76,000 rows for a city, ~40 ms on
        # each read), where EXISTS looks up only the inspections of the findings read.
        visible_inspection = Inspection.objects.visible_to(user).filter(pk=OuterRef("inspection_id"))
        return self.filter(venue_scope(user, "venue__")).filter(
            Q(self_inspection__isnull=False) | Exists(visible_inspection)
        )


class Finding(models.Model):
    """A problem found in a self-inspection or an inspection."""

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="findings")
    self_inspection = models.ForeignKey(SelfInspection, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="findings")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="findings")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=300)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    photo = models.FileField(_("photo"), upload_to=RandomName("inspections/findings"), blank=True)
    found_on = models.DateField(_("found on"))
    addressed_at = models.DateTimeField(_("addressed at"), null=True, blank=True)
    addressed_note = models.CharField(_("how it was addressed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_inspection__isnull=True, inspection__isnull=False)
                | Q(self_inspection__isnull=False, inspection__isnull=True),
                name="finding_exactly_one_source",
            ),
            models.CheckConstraint(condition=~Q(description=""), name="finding_has_description"),
        ]

    def __str__(self) -> str:
        return self.description


class RectificationOrderQuerySet(models.QuerySet["RectificationOrder"]):
    def visible_to(self, user: Any) -> "RectificationOrderQuerySet":
        if user is None or not user.is_authenticated:
            return self.filter(NOTHING)
        # EXISTS per order (see FindingQuerySet.visible_to): the few open orders are read
        # by index and each checks its own finding, instead of hashing every visible finding.
        return self.filter(Exists(Finding.objects.visible_to(user).filter(pk=OuterRef("finding_id"))))

    def open(self) -> "RectificationOrderQuerySet":
        return self.filter(status__in=RectificationOrder.OPEN_STATUSES)

    def overdue(self) -> "RectificationOrderQuerySet":
        return self.filter(status__in=RectificationOrder.WITH_VENUE, deadline__lt=timezone.localdate())


class RectificationOrder(models.Model):
    """责令限期整改. issued -> submitted -> closed, or submitted -> rejected -> submitted …

    ``deadline`` is a local (Asia/Shanghai) date: the order is overdue from 00:00 of the day
    after it, while it is still with the venue (issued or rejected).
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued, awaiting rectification")
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        REJECTED = "rejected", _("Rejected, back with the venue")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.ISSUED, Status.SUBMITTED, Status.REJECTED)
    WITH_VENUE = (Status.ISSUED, Status.REJECTED)

    finding = models.OneToOneField(Finding, verbose_name=_("finding"), on_delete=models.PROTECT,
                                   related_name="order")
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="rectification_orders")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    requirement = models.CharField(_("what must be done"), max_length=300)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"))
    extended = models.BooleanField(_("deadline extended"), default=False)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    escalated = models.BooleanField(_("escalated to an interview"), default=False)
    last_submitted_on = models.DateField(_("last submitted on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_late = models.BooleanField(_("closed late"), default=False)

    objects = RectificationOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("issued_on")),
                                   name="rectification_deadline_after_issue"),
            models.CheckConstraint(condition=Q(status="closed", closed_at__isnull=False)
                                   | (~Q(status="closed") & Q(closed_at__isnull=True)),
                                   name="rectification_closed_iff_closed_at"),
        ]
        indexes = [
            # The overdue job: open orders with the venue, by deadline.
            models.Index(fields=["status", "deadline"], name="rectification_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.requirement

    @property
    def is_overdue(self) -> bool:
        return self.status in self.WITH_VENUE and self.deadline < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


class RectificationEvent(models.Model):
    """Every step of an order, with who and when. Appended by the services only."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SUBMITTED = "submitted", _("Rectification submitted")
        ACCEPTED = "accepted", _("Accepted and closed")
        REJECTED = "rejected", _("Rejected")
        EXTENDED = "extended", _("Deadline extended")
        OVERDUE = "overdue", _("Became overdue")
        ESCALATED = "escalated", _("Escalated to an interview")

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.action}"


class EvidencePhoto(models.Model):
    event = models.ForeignKey(RectificationEvent, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=RandomName("inspections/evidence"))

    def __str__(self) -> str:
        return self.file.name


# --- Interviews, tasks and sanctions ----------------------------------------------

class PoliceOnlyQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> "PoliceOnlyQuerySet":
        if user is None or not _is_police(user):
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
