import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Tier(models.IntegerChoices):
    NONE = 0, _("Non-star")
    THREE = 3, _("Three-star")
    FOUR = 4, _("Four-star")
    FIVE = 5, _("Five-star")


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class RuleSet(models.Model):
    """One version of a jurisdiction's rules, bands, colour thresholds and tier frequencies.

    Never edited in place: an edit creates the next version, so a rating keeps the exact
    version it was computed with. A venue uses the latest version at the deepest ancestor
    jurisdiction that has one.
    """

    jurisdiction = models.ForeignKey("accounts.Jurisdiction", verbose_name=_("jurisdiction"),
                                     on_delete=models.PROTECT, related_name="rule_sets")
    version = models.PositiveIntegerField(_("version"))
    five_star_min = models.DecimalField(_("five-star from"), max_digits=5, decimal_places=2, default=Decimal(90))
    four_star_min = models.DecimalField(_("four-star from"), max_digits=5, decimal_places=2, default=Decimal(80))
    three_star_min = models.DecimalField(_("three-star from"), max_digits=5, decimal_places=2, default=Decimal(70))
    yellow_from = models.DecimalField(_("yellow from (points in a month)"), max_digits=6, decimal_places=2,
                                      default=Decimal(5))
    red_from = models.DecimalField(_("red from (points in a month)"), max_digits=6, decimal_places=2,
                                   default=Decimal(15))
    five_star_days = models.PositiveSmallIntegerField(_("five-star: undercover visit every (days)"), default=90)
    four_star_days = models.PositiveSmallIntegerField(_("four-star: inspection every (days)"), default=30)
    three_star_days = models.PositiveSmallIntegerField(_("three-star: inspection every (days)"), default=14)
    non_star_days = models.PositiveSmallIntegerField(_("non-star: inspection every (days)"), default=7)
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["jurisdiction__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "version"], name="ruleset_version_unique"),
            models.CheckConstraint(
                condition=Q(three_star_min__gt=0) & Q(four_star_min__gt=F("three_star_min"))
                & Q(five_star_min__gt=F("four_star_min")) & Q(five_star_min__lte=100),
                name="ruleset_bands_ordered"),
            models.CheckConstraint(condition=Q(yellow_from__gt=0) & Q(red_from__gt=F("yellow_from")),
                                   name="ruleset_colours_ordered"),
            models.CheckConstraint(
                condition=Q(non_star_days__gt=0) & Q(three_star_days__gte=F("non_star_days"))
                & Q(four_star_days__gte=F("three_star_days")) & Q(five_star_days__gte=F("four_star_days")),
                name="ruleset_frequencies_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} v{self.version}"

    def tier_for(self, score: Decimal) -> int:
        if score >= self.five_star_min:
            return Tier.FIVE
        if score >= self.four_star_min:
            return Tier.FOUR
        if score >= self.three_star_min:
            return Tier.THREE
        return Tier.NONE

    def colour_for(self, points: Decimal) -> str:
        if points >= self.red_from:
            return Colour.RED
        if points >= self.yellow_from:
            return Colour.YELLOW
        return Colour.GREEN

    def days_for(self, tier: int) -> int:
        days: dict[int, int] = {Tier.FIVE: self.five_star_days, Tier.FOUR: self.four_star_days,
                                Tier.THREE: self.three_star_days}
        return days.get(tier, self.non_star_days)


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=120)
    points = models.DecimalField(_("points per unit"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(_("cap per period"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["rule_set", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="rule_points_nonneg"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="rule_cap_nonneg"),
        ]

    def __str__(self) -> str:
        return self.code


class ManualAdjustment(models.Model):
    """An officer's manual deduction (points > 0) or bonus (points < 0), with a written reason."""

    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="rating_adjustments")
    occurred_on = models.DateField(_("date"))
    points = models.DecimalField(_("points (negative = bonus)"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("manual adjustment")
        verbose_name_plural = _("manual adjustments")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="adjustment_points_nonzero"),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_reason_required"),
        ]
        indexes = [models.Index(fields=["venue", "occurred_on"], name="adjustment_venue_date_idx")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.occurred_on} {self.points}"


def new_plaque_token() -> str:
    return secrets.token_urlsafe(24)


class Rating(models.Model):
    """A venue's rating for one period: provisional while the period runs, frozen when it closes."""

    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="ratings")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    is_final = models.BooleanField(_("final"), default=False)
    computed_at = models.DateTimeField(_("computed at"))
    plaque_token = models.CharField(max_length=64, unique=True, default=new_plaque_token, editable=False)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "period_start"], name="rating_once_per_period"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="rating_score_range"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="rating_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.period_start} {self.score}"


class Deduction(models.Model):
    """One line of a rating: which rule, when, how many points, and the record it comes from."""

    rating = models.ForeignKey(Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="deductions")
    rule_code = models.CharField(_("rule"), max_length=40)
    occurred_on = models.DateField(_("date"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    source_type = models.CharField(_("source"), max_length=40)
    source_id = models.CharField(_("record"), max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.points}"


class MonthlyGrade(models.Model):
    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="monthly_grades")
    month = models.DateField(_("month"))
    points = models.DecimalField(_("points deducted"), max_digits=7, decimal_places=2)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("monthly grade")
        verbose_name_plural = _("monthly grades")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "month"], name="grade_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="grade_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.month:%Y-%m} {self.colour}"


class Standing(models.Model):
    """Current score, tier, colour and next due inspection per venue, kept by the jobs so
    lists filter and sort without per-row work."""

    venue = models.OneToOneField("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                                 primary_key=True, related_name="standing")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, db_index=True)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, db_index=True)
    last_inspection_on = models.DateField(_("last inspection"), null=True, blank=True)
    next_due_on = models.DateField(_("next inspection due"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("current standing")
        verbose_name_plural = _("current standings")
        constraints = [models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100),
                                              name="standing_score_range")]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.tier}"


class UndercoverVisit(models.Model):
    """A randomly drawn undercover visit date for a venue in a period. Police only."""

    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="+")
    period_start = models.DateField(_("period start"))
    scheduled_on = models.DateField(_("scheduled on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("undercover visit")
        verbose_name_plural = _("undercover visits")
        constraints = [
            models.UniqueConstraint(fields=["venue", "period_start"], name="undercover_once_per_period"),
            models.CheckConstraint(condition=Q(scheduled_on__gte=F("period_start")), name="undercover_in_period"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.scheduled_on}"


# Labels of the venue list's star/colour filter (venues/filters.py), translated in this app's catalogue.
TIER_LABEL = _("Star tier")
COLOUR_LABEL = _("Colour")
SORT_LABEL = _("Sort")
SORT_FIELDS = {"tier": _("Star tier"), "score": _("Score"), "colour": _("Colour"), "name": _("Venue name")}
# django-filter's OrderingFilter label for descending options (no zh_Hans in its own catalogue).
DESCENDING_LABEL = _("%s (descending)")
