from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from daodao.admin import ScopedAdmin, SystemAdminReadOnly

from .models import Alert, AlertEvent
from .selectors import alert_list_for_user


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(SystemAdminReadOnly, ScopedAdmin):
    """Read-only for system administrators; officers work alerts on the inbox page.
    Association staff never see alerts (the scoping returns nothing for them)."""

    list_display = ["title", "venue", "kind", "severity", "status", "first_raised_at", "last_raised_at"]
    list_filter = ["kind", "severity", "status"]
    list_select_related = ["venue"]
    inlines = [AlertEventInline]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alert]:
        return alert_list_for_user(request.user)
