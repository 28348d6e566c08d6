from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.authed import acting_user
from accounts.capabilities import may
from daodao.admin import ScopedAdmin

from .models import Venue
from .selectors import manager_accounts_for_user, stations_for_user, streets_for_user, venue_list_for_user
from .services import EDITABLE_FIELDS, venue_create, venue_update


def _may_manage_in_admin(request: HttpRequest) -> bool:
    user = request.user
    return may(user, "uses_admin_site")


@admin.register(Venue)
class VenueAdmin(ScopedAdmin):
    """Association staff keep the registry here, scoped to their area like every other read."""

    list_display = ["name", "type", "licence_no", "station", "status", "expected_headcount"]
    list_filter = ["type", "status"]
    search_fields = ["name", "licence_no", "address"]
    list_select_related = ["station"]
    filter_horizontal = ["managers"]
    readonly_fields = ["signin_token", "token_rotated_at", "created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Venue]:
        return venue_list_for_user(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_manage_in_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage_in_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_manage_in_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage_in_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Venues close; they are never deleted, their history matters.
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "station":
            kwargs["queryset"] = stations_for_user(request.user)
        if db_field.name == "street":
            kwargs["queryset"] = streets_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "managers":
            kwargs["queryset"] = manager_accounts_for_user(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Venue, form: Any, change: bool) -> None:
        # Admin writes go through the same services as the pages and the API.
        data = {f: form.cleaned_data[f] for f in EDITABLE_FIELDS if f in form.cleaned_data}
        managers = form.cleaned_data.get("managers")
        if change:
            venue_update(venue=Venue.objects.get(pk=obj.pk), by=acting_user(request), data=data, managers=managers,
                         request=request)
        else:
            created = venue_create(by=acting_user(request), data=data, managers=managers or [], request=request)
            obj.pk = created.pk
            obj.signin_token = created.signin_token
            obj._state.adding = False
