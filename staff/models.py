"""Employees (one ``Person`` across venues, one ``Employment`` per stint) and daily sign-in.

Sign-ins are append-only; a manager's correction is a separate ``SignInCorrection``.
``VenueDay`` is the per-venue per-day rollup that dashboards and the anomaly detector
read instead of scanning raw sign-ins (see ``services.signin_record`` for how it is kept).
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daodao.identifiers import mask_id_number, mask_phone, validate_id_number, validate_mobile
from daodao.uploads import RandomName
from venues.models import Venue
from venues.scoping import venue_scope


class AppendOnlyError(Exception):
    pass


class Person(models.Model):
    """A natural person, identified by the resident ID number: one record across venues."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    name = models.CharField(_("full name"), max_length=50)
    # Stored upper-case (a trailing x is written X), so the unique index finds every spelling.
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, validators=[validate_id_number])
    phone = models.CharField(_("mobile phone"), max_length=20, validators=[validate_mobile])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    # Pillow is not a dependency, so a plain file rather than an ImageField.
    photo = models.FileField(_("photo"), upload_to=RandomName("staff/photos"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=["M", "F"]), name="person_gender_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
        ]
        indexes = [
            # Officers search by phone; name search uses the ordering index-less scan on a scoped set.
            models.Index(fields=["phone"], name="person_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class EmploymentQuerySet(models.QuerySet["Employment"]):
    def visible_to(self, user: Any) -> "EmploymentQuerySet":
        return self.filter(venue_scope(user, "venue__"))

    def current(self) -> "EmploymentQuerySet":
        return self.filter(status__in=Employment.CURRENT_STATUSES)


class Employment(models.Model):
    """One person working at one venue for one stint: pending -> active -> left."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending (not yet trained)")
        ACTIVE = "active", _("Working")
        LEFT = "left", _("Left")

    CURRENT_STATUSES = (Status.PENDING, Status.ACTIVE)

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="employments")
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="employments")
    position = models.CharField(_("position"), max_length=50, blank=True)
    hired_on = models.DateField(_("hired on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-hired_on", "-id"]
        constraints = [
            # A person may work at several venues at once (part-time work is real), but holds at
            # most one current employment per venue. Moving venue: see ``Transfer``.
            models.UniqueConstraint(fields=["person", "venue"], condition=~Q(status="left"),
                                    name="employment_one_current_per_person_venue"),
            models.CheckConstraint(
                condition=(Q(status="left") & Q(left_on__isnull=False))
                | (~Q(status="left") & Q(left_on__isnull=True)),
                name="employment_left_on_iff_left",
            ),
            models.CheckConstraint(condition=Q(status__in=["pending", "active", "left"]),
                                   name="employment_status_valid"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("hired_on")),
                                   name="employment_left_after_hired"),
        ]
        indexes = [
            # The registry list per venue and the detector's headcount per venue (status filter).
            models.Index(fields=["venue", "status"], name="employment_venue_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.venue}"

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT_STATUSES


class TransferQuerySet(models.QuerySet["Transfer"]):
    def open(self) -> "TransferQuerySet":
        return self.filter(state=Transfer.State.OPEN)


class Transfer(models.Model):
    """A person registered at a new venue while still employed at another one.

    The new venue cannot end the old venue's employment (it knows no more than an ID
    number). The old employment stays current until one of:

    - the old venue's manager (or the police) confirms the person left -> ``ended``;
    - the old venue's manager says the person still works there too (part-time) -> ``kept``;
    - ``settings.DAODAO_TRANSFER_CONFIRM_DAYS`` days pass (default 7): the nightly job ends
      the old employment when the person has not signed in at the old venue since the new
      registration (``ended``), and keeps it when they have (``kept``: they work at both).
    """

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting the previous venue")
        ENDED = "ended", _("Left the previous venue")
        KEPT = "kept", _("Works at both venues")

    class Resolution(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed by the previous venue")
        KEPT = "kept", _("Kept by the previous venue")
        NO_SIGNIN = "no_signin", _("No sign-in at the previous venue in time")
        STILL_SIGNING = "still_signing", _("Still signs in at the previous venue")
        ENDED_ELSEWHERE = "ended_elsewhere", _("Employment ended otherwise")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    from_employment = models.ForeignKey(Employment, verbose_name=_("previous employment"), on_delete=models.PROTECT,
                                        related_name="transfers_out")
    to_employment = models.ForeignKey(Employment, verbose_name=_("new employment"), on_delete=models.PROTECT,
                                      related_name="transfers_in")
    opened_on = models.DateField(_("registered at the new venue on"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["from_employment", "to_employment"], name="transfer_once_per_pair"),
            models.CheckConstraint(condition=~Q(from_employment=models.F("to_employment")),
                                   name="transfer_two_employments"),
            models.CheckConstraint(condition=Q(state__in=["open", "ended", "kept"]), name="transfer_state_valid"),
            models.CheckConstraint(
                condition=(Q(state="open") & Q(resolution="") & Q(resolved_at__isnull=True))
                | (~Q(state="open") & ~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="transfer_resolved_iff_closed",
            ),
        ]
        indexes = [
            # The nightly job reads the open transfers that are due.
            models.Index(fields=["state", "opened_on"], name="transfer_state_opened_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.opened_on}"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Sign-ins are append-only; record a correction instead.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Sign-ins are append-only; record a correction instead.")


class SignInQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: Any) -> "SignInQuerySet":
        return self.filter(venue_scope(user, "venue__"))


class SignIn(models.Model):
    """One employee present at one venue on one day (Asia/Shanghai). Append-only."""

    class Source(models.TextChoices):
        WEB = "web", _("Phone page")
        API = "api", _("API")

    employment = models.ForeignKey(Employment, verbose_name=_("employment"), on_delete=models.PROTECT,
                                   related_name="signins")
    # Denormalised from the employment so the one-per-day constraint and the rollups need no join.
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="signins")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="signins")
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("time"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from venue (m)"), null=True, blank=True)
    far_from_venue = models.BooleanField(_("far from venue"), default=False)
    # The employment was still pending (onboarding exam not passed) when the person signed in.
    before_training = models.BooleanField(_("before training"), default=False)
    source = models.CharField(_("source"), max_length=3, choices=Source.choices, default=Source.WEB)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = SignInQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["-at", "-id"]
        constraints = [
            # A double tap or a retry stores nothing twice. Its index (person, venue, day) also
            # serves "has this person signed in today".
            models.UniqueConstraint(fields=["person", "venue", "day"], name="signin_once_per_person_venue_day"),
        ]
        indexes = [
            # The venue's day list, the API's venue/date filters and the rollup rebuild.
            models.Index(fields=["venue", "day"], name="signin_venue_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"


class SignInRefusalQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: Any) -> "SignInRefusalQuerySet":
        return self.filter(venue_scope(user, "venue__"))


class SignInRefusal(models.Model):
    """A failed sign-in attempt. Holds no ID number or phone: only who was refused where and why."""

    class Reason(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown person")
        NOT_EMPLOYED = "not_employed", _("Not employed at this venue")
        INVALID = "invalid", _("Invalid input")
        RATE_LIMITED = "rate_limited", _("Too many attempts")

    class Source(models.TextChoices):
        """Which of the employee's QR pages was used (all identify the same way)."""

        WEB = "web", _("Sign-in page")
        API = "api", _("Sign-in API")
        PLEDGE = "pledge", _("Pledge page")
        EXAM = "exam", _("Exam")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="+")
    # Set when the person is known but not employed here (a useful lead for the police).
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = SignInRefusalQuerySet.as_manager()

    class Meta:
        verbose_name = _("refused sign-in")
        verbose_name_plural = _("refused sign-ins")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["venue", "at"], name="signinrefusal_venue_at_idx")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.reason} {self.at:%Y-%m-%d %H:%M}"


class SignInCorrection(models.Model):
    """A manager's correction of a day's sign-ins: never an edit of the original record.

    ``add``: the person was present but could not sign in. ``void``: the sign-in was wrong.
    The raw counts in ``VenueDay`` stay what the phones reported; the detector reads those,
    so a correction cannot hide an anomaly. Corrections are shown next to the day.
    """

    class Kind(models.TextChoices):
        ADD = "add", _("Present but not signed in")
        VOID = "void", _("Sign-in was wrong")

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT,
                              related_name="signin_corrections")
    employment = models.ForeignKey(Employment, verbose_name=_("employment"), on_delete=models.PROTECT,
                                   related_name="signin_corrections")
    # No database-level foreign key: sign-ins are partitioned by month (daodao/partitions.py),
    # and to PostgreSQL their id alone is not a unique key. Sign-ins are never deleted (a
    # trigger refuses it); retention detaches whole months, corrections keep their id.
    signin = models.ForeignKey(SignIn, verbose_name=_("sign-in"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="corrections", db_constraint=False)
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in correction")
        verbose_name_plural = _("sign-in corrections")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="signincorrection_reason_not_empty"),
            models.CheckConstraint(condition=Q(kind="add", signin__isnull=True) | Q(kind="void", signin__isnull=False),
                                   name="signincorrection_kind_matches_signin"),
        ]
        indexes = [models.Index(fields=["venue", "day"], name="signincorrection_venue_day_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class VenueDayQuerySet(models.QuerySet["VenueDay"]):
    def visible_to(self, user: Any) -> "VenueDayQuerySet":
        return self.filter(venue_scope(user, "venue__"))


class VenueDay(models.Model):
    """The per-venue per-day rollup: how many distinct employees signed in, and closed days.

    Kept by ``signin_record`` in the same transaction as each sign-in (an INSERT .. ON
    CONFLICT DO UPDATE signed_in = signed_in + 1), so it is exact at every commit without a
    nightly job; ``venue_days_rebuild`` recomputes it set-based if it ever needs repair.
    A day with no sign-ins and no closure has no row; the detector treats it as zero.
    """

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="days")
    day = models.DateField(_("day"))
    signed_in = models.PositiveIntegerField(_("signed in"), default=0)
    far_from_venue = models.PositiveIntegerField(_("far from venue"), default=0)
    before_training = models.PositiveIntegerField(_("before training"), default=0)
    closed = models.BooleanField(_("closed"), default=False)
    closed_reason = models.CharField(_("closure reason"), max_length=200, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VenueDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue day")
        verbose_name_plural = _("venue days")
        ordering = ["-day", "venue_id"]
        constraints = [
            # The target of the rollup upsert; also the detector's (venue, day) range scan.
            models.UniqueConstraint(fields=["venue", "day"], name="venueday_one_per_venue_day"),
            models.CheckConstraint(condition=Q(closed=False) | ~Q(closed_reason=""),
                                   name="venueday_closed_has_reason"),
        ]
        indexes = [
            # The detector and the dashboards read whole days across all venues.
            models.Index(fields=["day"], name="venueday_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.day}"
