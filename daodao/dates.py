"""Plausibility bounds for dates people type.

A date field accepts 0001-01-01 and 9999-12-31; neither is a hiring date or a deadline, and
9999-12-31 plus a few days overflows in every later computation (deadlines, periods, alerts).
Each form field says how far back and ahead it may reach, counted from today in Asia/Shanghai.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@deconstructible
class PlausibleDate:
    """A validator: ``value`` within ``past_days`` before and ``future_days`` after today."""

    def __init__(self, *, past_days: int, future_days: int) -> None:
        self.past_days = past_days
        self.future_days = future_days

    def __call__(self, value: date | None) -> None:
        if value is None:
            return
        today = timezone.localdate()
        earliest, latest = today - timedelta(days=self.past_days), today + timedelta(days=self.future_days)
        if not earliest <= value <= latest:
            raise ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": date_format(earliest, "Y-m-d"), "latest": date_format(latest, "Y-m-d")},
                code="implausible_date",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDate) and (self.past_days, self.future_days) == (
            other.past_days, other.future_days)


YEAR = 366
# Something that already happened (hired, opened, held, occurred): the past, not the future.
PAST_EVENT = PlausibleDate(past_days=80 * YEAR, future_days=0)
# Something that happened recently or is about to (a closed day, a sign-in correction).
RECENT = PlausibleDate(past_days=YEAR, future_days=YEAR)
# Something planned: a deadline, an inspection date.
PLANNED = PlausibleDate(past_days=YEAR, future_days=3 * YEAR)
