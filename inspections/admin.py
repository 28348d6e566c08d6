from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.capabilities import may
from daodao.admin import ScopedAdmin, SystemAdminReadOnly

from .models import Checklist, ChecklistItem, Inspection, RectificationOrder, SelfInspection


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(SystemAdminReadOnly):
    """Versions are published from services (a new version, never an edit); admins read them here."""

    list_display = ["title", "kind", "version", "published_at"]
    list_filter = ["kind"]
    inlines = [ChecklistItemInline]


@admin.register(SelfInspection)
class SelfInspectionAdmin(ScopedAdmin):
    """Association staff follow the venues' daily self-inspections (read-only)."""

    list_display = ["venue", "day", "status", "failed_items", "submitted_at"]
    list_filter = ["status", "day"]
    list_select_related = ["venue"]
    date_hierarchy = "day"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SelfInspection]:
        return SelfInspection.objects.visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        u = request.user
        return may(u, "uses_admin_site")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(SystemAdminReadOnly, ScopedAdmin):
    list_display = ["venue", "type", "status", "planned_for", "carried_out_at", "outcome"]
    list_filter = ["type", "status", "outcome"]
    list_select_related = ["venue"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inspection]:
        return Inspection.objects.visible_to(request.user)


@admin.register(RectificationOrder)
class RectificationOrderAdmin(SystemAdminReadOnly, ScopedAdmin):
    list_display = ["venue", "requirement", "status", "deadline", "overdue_since", "closed_late"]
    list_filter = ["status"]
    list_select_related = ["venue"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RectificationOrder]:
        return RectificationOrder.objects.visible_to(request.user)
