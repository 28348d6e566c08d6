from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daodao.dates import YEAR, PlausibleDate
from venues.models import Venue

from .services import MAX_VOLUNTEERS


class VisitForm(forms.Form):
    day = forms.DateField(label=_("Day of the visit"), validators=[PlausibleDate(past_days=YEAR, future_days=0)],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    venues = forms.ModelMultipleChoiceField(label=_("Venues visited"), queryset=Venue.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)
    volunteers = forms.IntegerField(label=_("Number of volunteers"), min_value=1, max_value=MAX_VOLUNTEERS,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    volunteer_names = forms.CharField(label=_("Volunteers' names (optional)"), max_length=300, required=False)
    summary = forms.CharField(label=_("What the volunteers did"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["venues"])
        field.queryset = Venue.objects.visible_to(user).operating().order_by("name")
        # A district has hundreds of venues: static/js/app.js puts a search box above the list.
        field.widget.attrs["data-filter"] = _("Type a venue name to find it")
