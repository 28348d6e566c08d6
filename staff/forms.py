from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from daodao.dates import PAST_EVENT, RECENT
from daodao.files import validate_image

from .models import SignInCorrection


class SignInForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                              "autocapitalize": "characters", "class": "big"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "class": "big"}))
    lat = forms.DecimalField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.DecimalField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


class EmployeeForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    position = forms.CharField(label=_("Position"), max_length=50, required=False)
    hired_on = forms.DateField(label=_("Hired on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               validators=[PAST_EVENT])
    photo = forms.FileField(label=_("Photo"), required=False, validators=[validate_image])

    def __init__(self, *args: Any, editing: bool = False, phone_masked: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The ID number identifies the person; a wrong one means a new registration.
            del self.fields["id_number"]
            del self.fields["hired_on"]
            # The recorded number is never sent to the browser: shown masked, replaced by typing a new one.
            phone = self.fields["phone"]
            phone.required = False
            phone.widget.attrs.update({"placeholder": phone_masked, "autocomplete": "off", "inputmode": "tel"})
            phone.help_text = _("Now %(masked)s. Leave empty to keep it; type a new number to change it.") % {
                "masked": phone_masked}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class EndForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              validators=[RECENT])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CloseDayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}), validators=[RECENT])
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CorrectionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}), validators=[RECENT])
    kind = forms.ChoiceField(label=_("Correction"), choices=SignInCorrection.Kind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)
