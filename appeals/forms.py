from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ratings.models import Deduction, Rating
from ratings.wording import deduction_lines

from .models import Outcome
from .services import MAX_REASONS, MAX_REPLY


class DeductionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return deduction_lines([obj], police=False)[0].sentence


class AppealForm(forms.Form):
    deduction = DeductionChoice(label=_("What do you contest?"), queryset=Deduction.objects.none(), required=False,
                                empty_label=_("The whole rating"), blank=True,
                                # Radios, not a select: a deduction is a sentence, too long for a phone's select.
                                widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Why the rating is wrong"), max_length=MAX_REASONS,
                              widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, rating: Rating, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(DeductionChoice, self.fields["deduction"])
        field.queryset = Deduction.objects.filter(rating=rating, points__gt=0).order_by("occurred_on", "id")


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    points = forms.DecimalField(label=_("Points given back"), required=False, min_value=0, max_value=100,
                                max_digits=6, decimal_places=2,
                                help_text=_("Upheld against one deduction: leave empty to give all of it back. "
                                            "Rejected: leave empty."))
    reasons = forms.CharField(label=_("Reasons for the decision"), max_length=MAX_REASONS,
                              widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Shown to the public beside the rating when the plaque's QR code is scanned."))


class RevisitForm(forms.Form):
    rectified = forms.CharField(label=_("What the venue has rectified"), max_length=MAX_REASONS,
                                widget=forms.Textarea(attrs={"rows": 4}))


class ScheduleForm(forms.Form):
    planned_for = forms.DateField(label=_("Re-visit on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"planned_for": timezone.localdate()})
        super().__init__(*args, **kwargs)
