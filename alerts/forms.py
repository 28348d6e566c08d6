from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Alert
from .selectors import dispatch_targets_for_user


class DispatchForm(forms.Form):
    station: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(label=_("Police station"), queryset=None,
                                                                   required=False)
    officer: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(label=_("Officer"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stations, officers = dispatch_targets_for_user(user)
        cast(forms.ModelChoiceField, self.fields["station"]).queryset = stations
        cast(forms.ModelChoiceField, self.fields["officer"]).queryset = officers


class HandleForm(forms.Form):
    feedback = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DismissForm(forms.Form):
    cause = forms.TypedChoiceField(label=_("What lay behind it?"), choices=Alert.DismissCause.choices,
                                   initial=Alert.DismissCause.OTHER, required=False,
                                   empty_value=Alert.DismissCause.OTHER)
    reason = forms.CharField(label=_("Why is this a false alarm?"), widget=forms.Textarea(attrs={"rows": 2}))
