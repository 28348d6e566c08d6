"""Responsibility pledges (禁毒责任状): versioned templates and immutable signatures.

A signature stores the exact title and text that were signed, so it reads the same after
the template gets a new version; signed pledges are append-only (application checks, and
a PostgreSQL trigger in migration 0002).
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daodao.uploads import RandomName
from venues.scoping import venue_scope


class Kind(models.TextChoices):
    VENUE = "venue", _("Venue pledge (signed by the manager)")
    EMPLOYEE = "employee", _("Employee pledge")


class PledgeTemplate(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    term_days = models.PositiveIntegerField(_("term (days)"), default=365)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("pledge template")
        verbose_name_plural = _("pledge templates")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="pledgetemplate_kind_version_unique"),
            models.CheckConstraint(condition=Q(term_days__gt=0), name="pledgetemplate_term_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A published pledge version is never edited; publish a new version.")
        super().save(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet["Pledge"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ValueError("Signed pledges are immutable.")

    def delete(self) -> NoReturn:
        raise ValueError("Signed pledges are immutable.")

    def visible_to(self, user: Any) -> "AppendOnlyQuerySet":
        return self.filter(venue_scope(user, "venue__"))

    def valid_on(self, day: Any) -> "AppendOnlyQuerySet":
        return self.filter(valid_until__gte=day)


class Pledge(models.Model):
    """One signature: who signed which version for which venue, when, from where."""

    template = models.ForeignKey(PledgeTemplate, verbose_name=_("version"), on_delete=models.PROTECT,
                                 related_name="signatures")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="pledges")
    person = models.ForeignKey("staff.Person", verbose_name=_("employee"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="pledges")
    signer_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signed by"), max_length=50)
    title_signed = models.CharField(_("title"), max_length=100)
    text_signed = models.TextField(_("text signed"))
    signature = models.FileField(_("handwritten signature"), upload_to=RandomName("pledges/signatures"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed pledge")
        verbose_name_plural = _("signed pledges")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="venue", person__isnull=True, signer_user__isnull=False)
                | Q(kind="employee", person__isnull=False),
                name="pledge_signer_matches_kind",
            ),
        ]
        indexes = [
            # Coverage: "does this venue / this person at this venue have a pledge valid today?"
            models.Index(fields=["venue", "kind", "valid_until"], name="pledge_venue_kind_valid_idx"),
            models.Index(fields=["person", "venue", "valid_until"], name="pledge_person_venue_valid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} {self.title_signed}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Signed pledges are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Signed pledges are immutable.")

    @property
    def is_valid(self) -> bool:
        return self.valid_until >= timezone.localdate()
