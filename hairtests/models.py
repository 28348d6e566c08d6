"""Hair self-tests (毛发自检): a venue applies, the district narcotics office schedules, the
town/street social workers take the samples and enter the lab's results.

Three tables, so that what is sensitive sits apart:

- ``HairTestRound``: one application of one venue, from applied to scheduled to completed
  (or declined). The venue, officers of its area and the social workers of its street see it.
- ``HairTestSubject``: one employee to be tested in a round, with the sample (code, day,
  collector, consent). What the venue may know: who was tested, and when.
- ``HairTestResult``: the lab's result for one sample. Police only (``sees_hair_results``);
  a manager, association staff or a partner inspector never reads this table, and every
  view of a result is audited (``services.hairtest_results_view``).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import may
from daodao.uploads import RandomName
from venues.scoping import NOTHING, street_scope, venue_scope


class HairTestRoundQuerySet(models.QuerySet["HairTestRound"]):
    def visible_to(self, user: Any) -> "HairTestRoundQuerySet":
        """Officers: rounds of venues in their area; managers: of their venues; social workers:
        the scheduled and completed rounds of venues in their street. Nobody else."""
        if not may(user, "sees_hair_tests"):
            return self.filter(NOTHING)
        if user.is_social_worker:
            return self.filter(street_scope(user, "venue__"),
                               status__in=[HairTestRound.Status.SCHEDULED, HairTestRound.Status.COMPLETED])
        return self.filter(venue_scope(user, "venue__"))


class HairTestRound(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied, awaiting the narcotics office")
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined")

    OPEN_STATUSES = (Status.APPLIED, Status.SCHEDULED)

    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="hair_test_rounds")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    all_employees = models.BooleanField(_("all employees"), default=False)
    preferred_from = models.DateField(_("preferred from"))
    preferred_until = models.DateField(_("preferred until"))
    note = models.TextField(_("note from the venue"), blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"),
                                   on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    scheduled_on = models.DateField(_("sampling day"), null=True, blank=True)
    schedule_note = models.TextField(_("note from the narcotics office"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scheduled or declined by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("scheduled or declined at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = HairTestRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("hair self-test round")
        verbose_name_plural = _("hair self-test rounds")
        ordering = ["-applied_at", "-id"]
        constraints = [
            # One open application per venue: a second would only split the same employees.
            models.UniqueConstraint(fields=["venue"], condition=Q(status__in=["applied", "scheduled"]),
                                    name="hairtestround_one_open_per_venue"),
            models.CheckConstraint(condition=Q(status__in=["applied", "scheduled", "completed", "declined"]),
                                   name="hairtestround_status_valid"),
            models.CheckConstraint(condition=Q(preferred_until__gte=models.F("preferred_from")),
                                   name="hairtestround_window_ordered"),
            models.CheckConstraint(condition=~Q(status__in=["scheduled", "completed"]) | Q(scheduled_on__isnull=False),
                                   name="hairtestround_scheduled_has_day"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decline_reason=""),
                                   name="hairtestround_declined_has_reason"),
        ]
        indexes = [
            # The narcotics office's list of applications and the dashboard's counts by status.
            models.Index(fields=["status", "-applied_at"], name="hairtestround_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.applied_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class HairTestSubject(models.Model):
    """One employee to be tested in a round, and their sample."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting sampling")
        SAMPLED = "sampled", _("Sampled, awaiting the lab")
        TESTED = "tested", _("Tested")
        NOT_TESTED = "not_tested", _("Not tested")

    round = models.ForeignKey(HairTestRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="subjects")
    employment = models.ForeignKey("staff.Employment", verbose_name=_("employee"), on_delete=models.PROTECT,
                                   related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    sample_code = models.CharField(_("sample code"), max_length=40, blank=True)
    sampled_on = models.DateField(_("sampled on"), null=True, blank=True)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("collected by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    consent = models.BooleanField(_("consent given"), default=False)
    not_tested_reason = models.CharField(_("why not tested"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("person to be tested")
        verbose_name_plural = _("people to be tested")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "employment"], name="hairtestsubject_once_per_round"),
            # Sample codes label the tubes the lab receives: never two alike.
            models.UniqueConstraint(fields=["sample_code"], condition=~Q(sample_code=""),
                                    name="hairtestsubject_sample_code_unique"),
            models.CheckConstraint(condition=Q(state__in=["pending", "sampled", "tested", "not_tested"]),
                                   name="hairtestsubject_state_valid"),
            # No sample without recorded consent, a code and a day.
            models.CheckConstraint(
                condition=~Q(state__in=["sampled", "tested"])
                | (Q(consent=True) & ~Q(sample_code="") & Q(sampled_on__isnull=False)),
                name="hairtestsubject_sample_complete"),
            models.CheckConstraint(condition=~Q(state="not_tested") | ~Q(not_tested_reason=""),
                                   name="hairtestsubject_not_tested_has_reason"),
        ]

    def __str__(self) -> str:
        return str(self.employment.person.name)


class HairTestResultQuerySet(models.QuerySet["HairTestResult"]):
    def visible_to(self, user: Any) -> "HairTestResultQuerySet":
        """Police only, within their area: a venue never learns an individual's result."""
        if not may(user, "sees_hair_results"):
            return self.filter(NOTHING)
        return self.filter(venue_scope(user, "subject__round__venue__"))


class HairTestResult(models.Model):
    """The lab's result for one sample (sensitive personal information)."""

    class Outcome(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        INVALID = "invalid", _("Invalid (the lab could not test the sample)")

    subject = models.OneToOneField(HairTestSubject, verbose_name=_("person tested"), on_delete=models.PROTECT,
                                   related_name="result")
    outcome = models.CharField(_("result"), max_length=16, choices=Outcome.choices)
    lab = models.CharField(_("laboratory"), max_length=100)
    report_no = models.CharField(_("report number"), max_length=60)
    report = models.FileField(_("scanned report"), upload_to=RandomName("hairtests/reports"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = HairTestResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("hair-test result")
        verbose_name_plural = _("hair-test results")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=["negative", "positive", "invalid"]),
                                   name="hairtestresult_outcome_valid"),
            models.CheckConstraint(condition=~Q(lab="") & ~Q(report_no=""), name="hairtestresult_lab_and_report"),
        ]
        indexes = [
            # The rating's positive-test fact and the monthly counts: results by outcome and day.
            models.Index(fields=["outcome", "recorded_at"], name="hairtestresult_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lab} {self.report_no}"
