from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daodao.dates import PlausibleDate

from .selectors import SIGNIN_STATS_MAX_DAYS

DEFAULT_DAYS = 30


class SigninStatsForm(forms.Form):
    """The period of the sign-in statistics: ISO dates in ASCII digits, at most 92 days."""

    start = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d"],
                            validators=[PlausibleDate(past_days=3 * 366, future_days=0)],
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d"],
                          validators=[PlausibleDate(past_days=3 * 366, future_days=0)],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("start", "end"):
            raw = self.data.get(name, "")
            if raw and not raw.isascii():  # strptime reads full-width digits too
                self.add_error(name, _("Enter the date as YYYY-MM-DD."))
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("start", _("The first day must not be after the last."))
        elif (end - start).days + 1 > SIGNIN_STATS_MAX_DAYS:
            self.add_error("start", _("At most %(n)d days at a time.") % {"n": SIGNIN_STATS_MAX_DAYS})
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[Any, Any]:
        """The period asked for, or the last 30 days when the form is not valid."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        today = timezone.localdate()
        return today - timedelta(days=DEFAULT_DAYS - 1), today
