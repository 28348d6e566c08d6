from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import may
from venues.scoping import NOTHING


class ImmutableError(Exception):
    pass



class MonthlyReportQuerySet(models.QuerySet["MonthlyReport"]):
    def visible_to(self, user: Any) -> "MonthlyReportQuerySet":
        """Reports of the user's node and the nodes below it, like every other read."""
        if not may(user, "works_police_side"):
            return self.filter(NOTHING)
        if user.is_system_admin:
            return self
        if user.jurisdiction_id is None:
            return self.filter(NOTHING)
        return self.filter(jurisdiction__path__startswith=user.jurisdiction.path)

    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableError("Monthly reports are immutable: build a new version.")

    def delete(self) -> NoReturn:
        raise ImmutableError("Monthly reports are immutable: build a new version.")


class MonthlyReport(models.Model):
    """月报: a frozen snapshot of one jurisdiction's month, numbered by version.

    Built by the job on the 1st for the month that ended and again on demand; a rebuild is
    a new version, never an edit, so a printed report can always be found again exactly as
    it was. The figures live in ``data`` (see ``reports.snapshot``)."""

    jurisdiction = models.ForeignKey("accounts.Jurisdiction", verbose_name=_("jurisdiction"),
                                     on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("figures"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("built by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "jurisdiction__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "month", "version"], name="monthlyreport_version_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthlyreport_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.month:%Y-%m} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("Monthly reports are immutable: build a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError("Monthly reports are immutable: build a new version.")
