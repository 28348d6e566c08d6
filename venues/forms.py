from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daodao.dates import PAST_EVENT

from .models import Venue
from .selectors import manager_accounts_for_user, stations_for_user, streets_for_user
from .services import location_errors


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = [
            "name", "type", "licence_no", "address", "station", "street", "contact_phone", "status",
            "expected_headcount", "opened_on", "latitude", "longitude", "managers",
        ]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "managers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["station"]).queryset = stations_for_user(user)
        cast(forms.ModelChoiceField, self.fields["street"]).queryset = streets_for_user(user)
        managers = manager_accounts_for_user(user)
        if self.instance.pk:
            managers = managers.model.objects.filter(
                Q(pk__in=managers.values("pk")) | Q(pk__in=self.instance.managers.values("pk"))
            )
        cast(forms.ModelChoiceField, self.fields["managers"]).queryset = managers
        # A city has hundreds of manager accounts: static/js/app.js puts a search box above
        # the list (ticked ones always stay visible).
        self.fields["managers"].widget.attrs["data-filter"] = _("Type a name or username to find a manager")
        self.fields["licence_no"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel"})
        self.fields["opened_on"].validators.append(PAST_EVENT)

    def clean(self) -> dict[str, Any]:
        """The database requires latitude and longitude together (venue_location_valid): say so
        on the field instead of letting the constraint answer with its name."""
        data = super().clean() or {}
        if "latitude" not in self.errors and "longitude" not in self.errors:
            for field, message in location_errors(data.get("latitude"), data.get("longitude")).items():
                self.add_error(field, message)
        return data

    def clean_licence_no(self) -> str:
        return self.cleaned_data["licence_no"].strip().upper()
