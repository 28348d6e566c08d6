from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from daodao.admin import ScopedAdmin

from .models import Employment, VenueDay


@admin.register(Employment)
class EmploymentAdmin(ScopedAdmin):
    """Read-only in the admin: writes go through the registry pages (services, audit)."""

    list_display = ["person", "venue", "position", "status", "hired_on", "left_on"]
    list_filter = ["status"]
    search_fields = ["person__name", "venue__name"]
    list_select_related = ["person", "venue"]
    readonly_fields = ["person", "venue", "position", "hired_on", "left_on", "status", "activated_at", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Employment]:
        return Employment.objects.visible_to(request.user).select_related("person", "venue")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VenueDay)
class VenueDayAdmin(ScopedAdmin):
    list_display = ["venue", "day", "signed_in", "far_from_venue", "closed"]
    list_filter = ["closed"]
    date_hierarchy = "day"
    list_select_related = ["venue"]
    readonly_fields = ["venue", "day", "signed_in", "far_from_venue", "before_training", "closed", "closed_reason",
                       "closed_by", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VenueDay]:
        return VenueDay.objects.visible_to(request.user).select_related("venue")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
