from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.capabilities import may
from daodao.admin import ScopedAdmin

from .models import OutreachVisit


@admin.register(OutreachVisit)
class OutreachVisitAdmin(ScopedAdmin):
    """Association staff and the system administrator read the visits of their area here;
    visits are recorded on the outreach page (audited), never edited."""

    list_display = ["day", "jurisdiction", "volunteers", "recorded_by", "created_at"]
    list_filter = ["day"]
    list_select_related = ["jurisdiction", "recorded_by"]
    date_hierarchy = "day"
    search_fields = ["summary", "volunteer_names"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutreachVisit]:
        return OutreachVisit.objects.visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "uses_admin_site")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
