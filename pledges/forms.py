from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class SignForm(forms.Form):
    typed_name = forms.CharField(label=_("Type your full name"), max_length=50,
                                 widget=forms.TextInput(attrs={"autocomplete": "name", "class": "big"}))
    consent = forms.BooleanField(label=_("I have read the full text above and accept this pledge."), required=False)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Full text"), widget=forms.Textarea(attrs={"rows": 14}))
    term_days = forms.IntegerField(label=_("Term (days)"), initial=365, min_value=30, max_value=1095)
