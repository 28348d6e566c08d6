from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction

from .models import Venue


def _stations(request: Any) -> QuerySet[Jurisdiction]:
    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.visible_to(request.user).stations()


class VenueFilter(django_filters.FilterSet):
    """Shared by the venue list page, its export and the API."""

    q = django_filters.CharFilter(label=_("Name or licence number"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Venue.Type.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Venue.Status.choices)
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=_stations)

    class Meta:
        model = Venue
        fields = ["q", "type", "status", "station"]

    def search(self, queryset: QuerySet[Venue], name: str, value: str) -> QuerySet[Venue]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(licence_no__istartswith=value.upper()))
