from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daodao.dates import PlausibleDate
from staff.models import Employment
from venues.models import Venue

from .models import HairTestResult
from .selectors import employees_to_choose
from .services import MAX_AHEAD_DAYS, MAX_SAMPLE_AGE_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AHEAD = PlausibleDate(past_days=0, future_days=MAX_AHEAD_DAYS)


class EmployeeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.name}（{obj.position}）" if obj.position else str(obj.person.name)


class ApplyForm(forms.Form):
    everyone = forms.BooleanField(label=_("Test all current employees"), required=False)
    employments = EmployeeChoice(
        label=_("Or choose the employees to be tested"), queryset=Employment.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    preferred_from = forms.DateField(label=_("Preferred window: from"), widget=DATE, validators=[AHEAD])
    preferred_until = forms.DateField(label=_("Preferred window: until"), widget=DATE, validators=[AHEAD])
    note = forms.CharField(label=_("Note for the narcotics office (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, venue: Venue, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"everyone": True, "preferred_from": today + timedelta(days=7),
                                      "preferred_until": today + timedelta(days=21)})
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["employments"])
        field.queryset = employees_to_choose(venue)
        field.widget.attrs["data-filter"] = _("Type a name to find an employee")


class ScheduleForm(forms.Form):
    day = forms.DateField(label=_("Sampling day"), widget=DATE, validators=[AHEAD])
    note = forms.CharField(label=_("Note for the venue and the social workers (optional)"), max_length=2000,
                           required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why the application is declined"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SampleForm(forms.Form):
    sample_code = forms.CharField(label=_("Sample code"), max_length=40)
    sampled_on = forms.DateField(label=_("Sampled on"), widget=DATE,
                                 validators=[PlausibleDate(past_days=MAX_SAMPLE_AGE_DAYS, future_days=0)])
    consent = forms.BooleanField(label=_("The employee gave consent"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sampled_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class NotTestedForm(forms.Form):
    reason = forms.CharField(label=_("Why not tested"), max_length=200)


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Result"), choices=HairTestResult.Outcome.choices)
    lab = forms.CharField(label=_("Laboratory"), max_length=100)
    report_no = forms.CharField(label=_("Report number"), max_length=60)
    report = forms.FileField(label=_("Scanned report (photo or PDF)"))
