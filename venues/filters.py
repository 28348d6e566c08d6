from typing import Any, ClassVar

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction

from .models import Venue


def _stations(request: Any) -> QuerySet[Jurisdiction]:
    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.visible_to(request.user).stations()


def _areas(request: Any) -> QuerySet[Jurisdiction]:
    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.visible_to(request.user).police_areas()


class VenueFilter(django_filters.FilterSet):
    """Shared by the venue list page, its export and the API."""

    q = django_filters.CharFilter(label=_("Name or licence number"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Venue.Type.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Venue.Status.choices)
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=_stations)
    area = django_filters.ModelChoiceFilter(label=_("District or station"), queryset=_areas, method="in_area")
    # Apps above venues add their filters at start-up (``extend``): ratings adds star tier,
    # colour and sorting by its current-standing table. Venues knows nothing about them.
    joins: ClassVar[list[str]] = []

    class Meta:
        model = Venue
        fields = ["q", "type", "status", "station", "area"]

    @classmethod
    def extend(cls, filters: dict[str, django_filters.Filter], *, select_related: str | None = None) -> None:
        """Add filters (and the one-to-one join they read) for every list, export and API."""
        cls.base_filters.update(filters)
        if select_related and select_related not in cls.joins:
            cls.joins.append(select_related)

    @property
    def qs(self) -> QuerySet[Venue]:
        qs = super().qs
        return qs.select_related(*self.joins) if self.joins else qs

    def in_area(self, queryset: QuerySet[Venue], name: str, value: Jurisdiction) -> QuerySet[Venue]:
        return queryset.filter(station__path__startswith=value.path)

    def search(self, queryset: QuerySet[Venue], name: str, value: str) -> QuerySet[Venue]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(licence_no__istartswith=value.upper()))
