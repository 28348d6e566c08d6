from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Department
from daodao.dates import PAST_EVENT, PLANNED
from daodao.files import validate_image_or_pdf
from daodao.html import LongSelect
from daodao.params import parse_id
from venues.selectors import venue_list_for_user

from .models import Inspection, InterviewReason, Sanction, Severity

VENUE_PICK_MAX = 300  # more operating venues in scope than this: the plan form searches them by name

# Undercover visits are police work: other inspectors do not get the choice.
_WITHOUT_UNDERCOVER = [c for c in Inspection.Type.choices if c[0] != Inspection.Type.UNDERCOVER]


class PlanForm(forms.Form):
    venue: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(label=_("Venue"), queryset=None,
                                                                  widget=LongSelect)
    type = forms.ChoiceField(label=_("Type"), choices=Inspection.Type.choices)
    planned_for = forms.DateField(label=_("Planned for"), widget=forms.DateInput(attrs={"type": "date"}),
                                  validators=[PLANNED])
    assignee: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False)
    departments = forms.MultipleChoiceField(label=_("Departments"), choices=Department.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, user: Any, venue_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The options need only names: no joins for a city's 3,000 venues.
        venues = venue_list_for_user(user).operating().select_related(None)
        field = cast(forms.ModelChoiceField, self.fields["venue"])
        field.queryset = venues
        # A city's thousands of venues are no list to scroll: past VENUE_PICK_MAX the page
        # offers a name search and lists the matches (or the venue it was opened for). A
        # posted form still accepts any operating venue of the user's scope.
        self.venue_search = False
        if not self.is_bound and venues[:VENUE_PICK_MAX + 1].count() > VENUE_PICK_MAX:
            self.venue_search = True
            initial = parse_id(str(self.initial.get("venue") or ""))
            if venue_name:
                field.queryset = venues.filter(name__icontains=venue_name).order_by("name")[:VENUE_PICK_MAX]
            elif initial is not None:
                field.queryset = venues.filter(pk=initial)
            else:
                field.queryset = venues.none()
        scope = user.jurisdiction.path if user.jurisdiction_id else ""
        inspectors = User.objects.filter(role__in=[User.Role.POLICE, User.Role.PARTNER], is_active=True)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = (
            inspectors if user.is_system_admin else inspectors.filter(jurisdiction__path__startswith=scope))
        if not user.works_police_side:
            cast(forms.ChoiceField, self.fields["type"]).choices = _WITHOUT_UNDERCOVER


class RecordForm(forms.Form):
    """The fixed part of the phone inspection form; checklist items and findings are parsed apart."""

    type = forms.ChoiceField(label=_("Type"), choices=Inspection.Type.choices)
    departments = forms.MultipleChoiceField(label=_("Departments"), choices=Department.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label=_("Findings (free text)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    people_tested = forms.IntegerField(label=_("People tested (urine)"), min_value=0, initial=0)
    positives = forms.IntegerField(label=_("Positive tests"), min_value=0, initial=0)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Inspection.Outcome.choices)
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6,
                                  widget=forms.HiddenInput)
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6,
                                   widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.works_police_side:
            cast(forms.ChoiceField, self.fields["type"]).choices = _WITHOUT_UNDERCOVER

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("positives") or 0) > (data.get("people_tested") or 0):
            self.add_error("positives", _("There cannot be more positive tests than people tested."))
        return data


class OrderForm(forms.Form):
    requirement = forms.CharField(label=_("What must be done"), max_length=300, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               validators=[PLANNED],
                               help_text=_("Leave empty for the default by severity."))


class SubmitForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is it not accepted?"), widget=forms.Textarea(attrs={"rows": 2}))


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False)


class ExtendForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}),
                                   validators=[PLANNED])
    reason = forms.CharField(label=_("Reason for the extension"))


class AddressForm(forms.Form):
    note = forms.CharField(label=_("How it was addressed"), max_length=300)


class InterviewForm(forms.Form):
    attendee = forms.CharField(label=_("Attendee (venue head)"), max_length=50)
    reason = forms.ChoiceField(label=_("Reason"), choices=InterviewReason.choices)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}),
                              validators=[PAST_EVENT])
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    commitments = forms.CharField(label=_("Commitments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    signed_note = forms.FileField(label=_("Signed note (scan or photo)"), required=False,
                                  validators=[validate_image_or_pdf])


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=Sanction.Kind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


SEVERITY_CHOICES = Severity.choices
