"""Findings, rectification orders (整改), their events and evidence photos."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daodao.uploads import RandomName
from venues.models import Venue
from venues.scoping import NOTHING, venue_scope

from .checklists import ChecklistItem
from .common import Severity
from .inspections import Inspection
from .self_inspections import SelfInspection

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
