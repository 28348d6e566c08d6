import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction
from daodao.identifiers import validate_licence_number, validate_phone

from .scoping import venue_scope


def new_signin_token() -> str:
    # 192 bits: the poster's URL cannot be guessed, so sign-in pages cannot be enumerated.
    return secrets.token_urlsafe(24)


class VenueQuerySet(models.QuerySet["Venue"]):
    def visible_to(self, user: Any) -> "VenueQuerySet":
        return self.filter(venue_scope(user))

    def operating(self) -> "VenueQuerySet":
        return self.filter(status=Venue.Status.OPERATING)


class Venue(models.Model):
    class Type(models.TextChoices):
        KTV = "ktv", _("KTV")
        BAR = "bar", _("Bar")
        HOTEL = "hotel", _("Hotel")
        BATH = "bath", _("Foot massage / bath house")
        INTERNET_CAFE = "internet_cafe", _("Internet café")
        DANCE_HALL = "dance_hall", _("Dance hall")
        CHESS_CARD = "chess_card", _("Chess & card room")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPERATING = "operating", _("Operating")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    licence_no = models.CharField(
        _("business licence number"), max_length=18, unique=True, validators=[validate_licence_number],
        help_text=_("Unified social credit code, 18 characters."),
    )
    address = models.CharField(_("address"), max_length=200)
    station = models.ForeignKey(
        Jurisdiction, verbose_name=_("police station"), on_delete=models.PROTECT, related_name="venues",
        limit_choices_to={"level": Jurisdiction.Level.STATION},
    )
    # The town/street (镇街) the venue lies in: its social workers take the hair-test samples.
    # Optional, as venues registered before streets existed have none yet.
    street = models.ForeignKey(
        Jurisdiction, verbose_name=_("town / street"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="street_venues", limit_choices_to={"level": Jurisdiction.Level.STREET},
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("manager accounts"), blank=True, related_name="managed_venues",
        limit_choices_to={"role": "manager"},
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, validators=[validate_phone])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPERATING)
    expected_headcount = models.PositiveIntegerField(_("expected headcount"), default=0)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    signin_token = models.CharField(_("sign-in token"), max_length=64, unique=True, default=new_signin_token,
                                    editable=False)
    token_rotated_at = models.DateTimeField(_("token rotated at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="venue_location_valid",
                violation_error_message=_("Give both latitude and longitude within range, or neither."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="venue_name_not_empty",
                                   violation_error_message=_("Enter the venue's name.")),
            models.CheckConstraint(condition=Q(status__in=["operating", "suspended", "closed"]),
                                   name="venue_status_valid",
                                   violation_error_message=_("Choose a valid status.")),
        ]
        indexes = [
            models.Index(fields=["station", "status"], name="venue_station_status_idx"),
            # Lists sort by name (the registry, the employees by venue then name): walking this
            # index, a page of a city's 58,000 employees reads a few venues instead of sorting all.
            models.Index(fields=["name", "id"], name="venue_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class RetiredSigninToken(models.Model):
    """A poster token replaced by a new one, kept (hashed) only to tell an employee who scans
    the old poster that it was replaced, instead of a bare "not found". The hash is useless
    for signing in, and the page it leads to names no venue."""

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="retired_tokens")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    retired_at = models.DateTimeField(_("retired at"), auto_now_add=True)

    class Meta:
        verbose_name = _("retired sign-in code")
        verbose_name_plural = _("retired sign-in codes")

    def __str__(self) -> str:
        return self.retired_at.isoformat()

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
