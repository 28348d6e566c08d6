from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction

from .kinds import kind_choices
from .models import Alert

ORDERINGS = {
    "severity": ("-severity", "first_raised_at"),
    "oldest": ("first_raised_at",),
    "newest": ("-last_raised_at",),
}


def assigned_to(user: Any) -> Q:
    """Alerts dispatched to this officer, or to the police station the officer belongs to."""
    mine = Q(assigned_officer=user)
    if user.jurisdiction_id:
        mine |= Q(assigned_station_id=user.jurisdiction_id)
    return mine


def _areas(request: Any) -> QuerySet[Jurisdiction]:
    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.visible_to(request.user).police_areas()


def _stations(request: Any) -> QuerySet[Jurisdiction]:
    if request is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.visible_to(request.user).stations()


class AlertFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), method="filter_state", empty_label=None,
        choices=[("active", _("Active")), *Alert.Status.choices, ("all", _("All"))],
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=kind_choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Alert.Severity.choices)
    station = django_filters.ModelChoiceFilter(label=_("Police station"), queryset=_stations,
                                               field_name="venue__station")
    area = django_filters.ModelChoiceFilter(label=_("District or station"), queryset=_areas,
                                            method="filter_area")
    assigned = django_filters.ChoiceFilter(label=_("Assigned"), method="filter_assigned",
                                           choices=[("me", _("To me or my station"))])
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="filter_sort", empty_label=None,
        choices=[("severity", _("Severity")), ("oldest", _("Oldest first")), ("newest", _("Newest first"))],
    )

    class Meta:
        model = Alert
        fields = ["state", "kind", "severity", "station", "area", "assigned", "sort"]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        data.setdefault("state", "active")
        data.setdefault("sort", "severity")
        super().__init__(data, *args, **kwargs)

    def filter_state(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet[Alert]:
        if value == "active":
            return queryset.filter(status__in=Alert.ACTIVE_STATUSES)
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def filter_area(self, queryset: QuerySet[Alert], name: str, value: Jurisdiction) -> QuerySet[Alert]:
        return queryset.filter(venue__station__path__startswith=value.path)

    def filter_assigned(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet[Alert]:
        if value == "me" and self.request is not None:
            return queryset.filter(assigned_to(self.request.user))
        return queryset

    def filter_sort(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet[Alert]:
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["severity"]))
