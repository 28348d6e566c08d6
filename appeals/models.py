"""Fairness around ratings (申诉复核): appeals, the right to reply, re-visit requests.

As the rating schemes venues trust (the UK Food Hygiene Rating Scheme) give the rated
business: an appeal within a fixed time against a frozen quarterly rating or one of its
deductions, decided by a narcotics officer who did not record the contested facts; a short
reply the venue publishes beside its rating on the public plaque page; and a re-visit on
request after the venue has rectified.

All three belong to a venue and are seen by its managers and the police of its area only
(``sees_appeals`` and ``venue_scope``); the association and partner departments do not see
them. A reply, once published, is public on the plaque page.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import may
from daodao.uploads import RandomName
from venues.scoping import venue_scope


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY = "partly", _("Partly upheld")
    REJECTED = "rejected", _("Not upheld")


class AppealQuerySet(models.QuerySet["Appeal"]):
    def visible_to(self, user: Any) -> "AppealQuerySet":
        if not may(user, "sees_appeals"):
            return self.none()
        return self.filter(venue_scope(user, "venue__"))

    def open(self) -> "AppealQuerySet":
        return self.filter(status=Appeal.Status.OPEN)


class Appeal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting decision")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn by the venue")

    rating = models.ForeignKey("ratings.Rating", verbose_name=_("rating"), on_delete=models.PROTECT,
                               related_name="appeals")
    # The rating's venue, kept here so scoping is one join like every venue record.
    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="appeals")
    # One contested line, or none when the whole rating is appealed. The line's wording and
    # points are copied too, so the appeal reads the same whatever happens to the line.
    deduction = models.ForeignKey("ratings.Deduction", verbose_name=_("contested deduction"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    contested = models.CharField(_("what is contested"), max_length=300)
    contested_points = models.DecimalField(_("points contested"), max_digits=6, decimal_places=2)
    reasons = models.TextField(_("reasons"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    decide_by = models.DateField(_("decision due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    points_restored = models.DecimalField(_("points given back"), max_digits=6, decimal_places=2, null=True,
                                          blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The audited adjustment an upheld appeal made; ``ratings verify`` reads it as a fact.
    adjustment = models.OneToOneField("ratings.ManualAdjustment", verbose_name=_("adjustment"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="appeal")
    score_before = models.DecimalField(_("score before"), max_digits=5, decimal_places=2)
    tier_before = models.PositiveSmallIntegerField(_("tier before"))
    score_after = models.DecimalField(_("score after"), max_digits=5, decimal_places=2, null=True, blank=True)
    tier_after = models.PositiveSmallIntegerField(_("tier after"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")
        ordering = ["-filed_at", "-id"]
        constraints = [
            # One open appeal per rating; a decided one may be followed by another.
            models.UniqueConstraint(fields=["rating"], condition=Q(status="open"), name="appeal_one_open_per_rating"),
            models.CheckConstraint(condition=~Q(reasons=""), name="appeal_reasons_required"),
            models.CheckConstraint(
                condition=Q(status="open", outcome="", decided_at__isnull=True, withdrawn_at__isnull=True)
                | (Q(status="decided", decided_at__isnull=False, withdrawn_at__isnull=True) & ~Q(outcome="")
                   & ~Q(decision_reasons=""))
                | Q(status="withdrawn", outcome="", decided_at__isnull=True, withdrawn_at__isnull=False),
                name="appeal_decision_complete"),
            models.CheckConstraint(condition=Q(points_restored__isnull=True) | Q(points_restored__gt=0),
                                   name="appeal_points_restored_positive"),
        ]
        # The officers' work list and the overdue line read open appeals by due date.
        indexes = [models.Index(fields=["status", "decide_by"], name="appeal_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.filed_at:%Y-%m-%d}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("attachment"), upload_to=RandomName("appeals/attachments"))
    name = models.CharField(_("file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or self.file.name


class RatingReply(models.Model):
    """The venue's right to reply: a short text published beside one frozen rating."""

    rating = models.OneToOneField("ratings.Rating", verbose_name=_("rating"), on_delete=models.CASCADE,
                                  related_name="reply")
    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="rating_replies")
    text = models.CharField(_("reply"), max_length=500)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("right to reply")
        verbose_name_plural = _("rights to reply")
        ordering = ["-published_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="ratingreply_text_required")]

    def __str__(self) -> str:
        return self.text[:40]


class RevisitQuerySet(models.QuerySet["RevisitRequest"]):
    def visible_to(self, user: Any) -> "RevisitQuerySet":
        if not may(user, "sees_appeals"):
            return self.none()
        return self.filter(venue_scope(user, "venue__"))


class RevisitRequest(models.Model):
    """A venue below five stars (or red this month) asks for a re-visit after rectifying.

    An officer schedules it as an ordinary routine inspection (``inspection``); its findings
    count in the rating period in which it is carried out, like every inspection's."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting to be scheduled")
        SCHEDULED = "scheduled", _("Scheduled")

    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="revisit_requests")
    rectified = models.TextField(_("what was rectified"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    inspection = models.OneToOneField("inspections.Inspection", verbose_name=_("inspection"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="revisit_request")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)

    objects = RevisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("re-visit request")
        verbose_name_plural = _("re-visit requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["venue"], condition=Q(status="requested"),
                                    name="revisit_one_waiting_per_venue"),
            models.CheckConstraint(condition=~Q(rectified=""), name="revisit_rectified_required"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.requested_at:%Y-%m-%d}"
