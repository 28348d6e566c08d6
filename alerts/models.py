from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import may
from accounts.models import Jurisdiction
from venues.scoping import NOTHING, venue_scope

from .kinds import KINDS, kind_label


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: Any) -> "AlertQuerySet":
        """Alerts are police-only: managers, association staff and partners never see them."""
        if not may(user, "works_police_side"):
            return self.filter(NOTHING)
        return self.filter(venue_scope(user, "venue__"))

    def active(self) -> "AlertQuerySet":
        return self.filter(status__in=Alert.ACTIVE_STATUSES)


class Alert(models.Model):
    """A signal that a venue needs police attention, raised by a job or an officer.

    Life: open -> dispatched (to a station or officer) -> handled (written feedback) ->
    closed; or dismissed as a false alarm with a reason at any active step. Dismissals
    are kept so each detector's precision can be measured from real use.
    """

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISPATCHED = "dispatched", _("Dispatched")
        HANDLED = "handled", _("Handled")
        CLOSED = "closed", _("Closed")
        DISMISSED = "dismissed", _("Dismissed as false alarm")

    class DismissCause(models.TextChoices):
        # What officers found behind a false alarm. Two causes are about the venue's own
        # records and act on it (staff.detector and the manager's to-do): the manager is asked
        # to put the records right, and the sign-in detector does not raise the same drop
        # again until they change. Staff away for a holiday has no record to put right: the
        # same drop is held back for a fortnight (staff.dismissals).
        OTHER = "other", _("Other cause")
        STAFF_LIST = "staff_list", _("Staff list out of date")
        CLOSURE = "closure", _("Closed (seasonal or holiday) but not marked")
        STAFF_AWAY = "staff_away", _("Open, but staff away for a holiday or the season")

    ACTIVE_STATUSES = (Status.OPEN, Status.DISPATCHED, Status.HANDLED)
    CONFIRMED_STATUSES = (Status.HANDLED, Status.CLOSED)

    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="alerts")
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    title = models.CharField(_("title"), max_length=200)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    first_raised_at = models.DateTimeField(_("first raised"), auto_now_add=True)
    last_raised_at = models.DateTimeField(_("last raised"))
    raise_count = models.PositiveIntegerField(_("times raised"), default=1)
    assigned_station = models.ForeignKey(
        Jurisdiction, verbose_name=_("assigned station"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned officer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="assigned_alerts",
    )
    feedback = models.TextField(_("feedback"), blank=True)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)
    dismiss_cause = models.CharField(_("cause of the false alarm"), max_length=16, choices=DismissCause.choices,
                                     blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-severity", "first_raised_at"]
        constraints = [
            # One active alert per venue and kind: a recurring condition updates it.
            models.UniqueConstraint(
                fields=["venue", "kind"], condition=Q(status__in=["open", "dispatched", "handled"]),
                name="alert_one_active_per_venue_kind",
            ),
            models.CheckConstraint(condition=Q(severity__in=[1, 2, 3]), name="alert_severity_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "dispatched", "handled", "closed", "dismissed"]),
                name="alert_status_valid",
            ),
            models.CheckConstraint(condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
                                   name="alert_dismissal_has_reason"),
            models.CheckConstraint(condition=Q(dismiss_cause__in=["", "other", "staff_list", "closure", "staff_away"]),
                                   name="alert_dismiss_cause_valid"),
        ]
        indexes = [
            # The inbox: active alerts by status, newest first.
            models.Index(fields=["status", "-last_raised_at"], name="alert_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id}:{self.kind}:{self.title}"

    @property
    def kind_label(self) -> Any:
        return kind_label(self.kind)

    @property
    def evidence_template(self) -> str | None:
        kind = KINDS.get(self.kind)
        return kind.evidence_template if kind else None

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class AlertEvent(models.Model):
    """Who did what to an alert, and when. Append-only by convention of the services."""

    class Action(models.TextChoices):
        RAISED = "raised", _("Raised")
        UPDATED = "updated", _("Raised again with new evidence")
        DISPATCHED = "dispatched", _("Dispatched")
        HANDLED = "handled", _("Handled")
        CLOSED = "closed", _("Closed")
        DISMISSED = "dismissed", _("Dismissed")
        HELD_BACK = "held_back", _("Not raised again: explained by the dismissal")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.action}"
