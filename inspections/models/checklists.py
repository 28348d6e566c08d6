"""Checklists: versioned lists of items for self-inspections and inspections by kind."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .common import Severity

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
