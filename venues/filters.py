from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction
from ratings.models import COLOUR_LABEL, DESCENDING_LABEL, SORT_FIELDS, SORT_LABEL, TIER_LABEL, Colour, Tier

from .models import Venue


def _descending_now(label: Any) -> str:
    return str(DESCENDING_LABEL) % label


_descending = lazy(_descending_now, str)


def _stations(request: Any) -> QuerySet[Jurisdiction]:
    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.visible_to(request.user).stations()


def _areas(request: Any) -> QuerySet[Jurisdiction]:
    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.visible_to(request.user).filter(level__gte=Jurisdiction.Level.DISTRICT)


class VenueFilter(django_filters.FilterSet):
    """Shared by the venue list page, its export and the API."""

    q = django_filters.CharFilter(label=_("Name or licence number"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Venue.Type.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Venue.Status.choices)
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=_stations)
    area = django_filters.ModelChoiceFilter(label=_("District or station"), queryset=_areas, method="in_area")
    # Star tier and monthly colour come from ratings' current-standing table (one join, no per-row work).
    tier = django_filters.ChoiceFilter(label=TIER_LABEL, field_name="standing__tier", choices=Tier.choices)
    colour = django_filters.ChoiceFilter(label=COLOUR_LABEL, field_name="standing__colour", choices=Colour.choices)
    sort = django_filters.OrderingFilter(
        label=SORT_LABEL, fields=(("standing__tier", "tier"), ("standing__score", "score"),
                                  ("standing__colour", "colour"), ("name", "name")), field_labels={
            "standing__tier": SORT_FIELDS["tier"], "standing__score": SORT_FIELDS["score"],
            "standing__colour": SORT_FIELDS["colour"], "name": SORT_FIELDS["name"],
            # django-filter formats the descending labels at import, in whatever language is
            # active then; lazy ones follow the reader's language.
            **{f"-{key}": _descending(label) for key, label in SORT_FIELDS.items()}})

    class Meta:
        model = Venue
        fields = ["q", "type", "status", "station", "area", "tier", "colour"]

    @property
    def qs(self) -> QuerySet[Venue]:
        return super().qs.select_related("standing")

    def in_area(self, queryset: QuerySet[Venue], name: str, value: Jurisdiction) -> QuerySet[Venue]:
        return queryset.filter(station__path__startswith=value.path)

    def search(self, queryset: QuerySet[Venue], name: str, value: str) -> QuerySet[Venue]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(licence_no__istartswith=value.upper()))
