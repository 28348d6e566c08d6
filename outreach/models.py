"""The association's daily outreach (志愿队禁毒宣传): volunteers visit venues and talk drugs.

A visit belongs to the jurisdiction of the association staff who recorded it and names the
venues visited (at least one). Who sees a visit follows the venues: a user sees the visits
that include a venue in their scope (a manager, those of their own venue).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import may
from daodao.uploads import RandomName
from venues.scoping import venue_scope


class OutreachVisitQuerySet(models.QuerySet["OutreachVisit"]):
    def visible_to(self, user: Any) -> "OutreachVisitQuerySet":
        """Visits that include at least one venue the user may see (no duplicate rows); none
        for a user who may not read outreach visits at all."""
        if not may(user, "sees_outreach"):
            return self.none()
        through = OutreachVisit.venues.through.objects.filter(venue_scope(user, "venue__"))
        return self.filter(pk__in=through.values("outreachvisit_id"))


class OutreachVisit(models.Model):
    day = models.DateField(_("day of the visit"))
    jurisdiction = models.ForeignKey("accounts.Jurisdiction", verbose_name=_("area"), on_delete=models.PROTECT,
                                     related_name="+")
    venues = models.ManyToManyField("venues.Venue", verbose_name=_("venues visited"), related_name="outreach_visits")
    volunteers = models.PositiveIntegerField(_("volunteers"))
    volunteer_names = models.CharField(_("volunteers' names"), max_length=300, blank=True)
    summary = models.TextField(_("what the volunteers did"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = OutreachVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach visit")
        verbose_name_plural = _("outreach visits")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(volunteers__gt=0), name="outreachvisit_volunteers_positive"),
            models.CheckConstraint(condition=~Q(summary=""), name="outreachvisit_summary_not_empty"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "-day"], name="outreachvisit_area_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.summary[:30]}"


class OutreachPhoto(models.Model):
    visit = models.ForeignKey(OutreachVisit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=RandomName("outreach/photos"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name
