from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from daodao.admin import ScopedAdmin

from .models import Jurisdiction, User


@admin.register(Jurisdiction)
class JurisdictionAdmin(ScopedAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Jurisdiction]:
        return Jurisdiction.objects.visible_to(request.user).select_related("parent")

    # The tree's shape is administration, not day-to-day work: superusers only, and a
    # node's place (code, parent, level) is fixed once created, so paths never go stale.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["path", "code", "parent", "level"] if obj is not None else ["path"]

    def save_model(self, request: HttpRequest, obj: Jurisdiction, form: Any, change: bool) -> None:
        if not change:
            obj.path = (obj.parent.path if obj.parent else "") + obj.code + "/"
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(ScopedAdmin, BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "department", "jurisdiction", "is_active"]
    list_filter = ["role", "department", "is_active"]
    list_select_related = ["jurisdiction"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("DaoDao"), {"fields": ("role", "department", "jurisdiction", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("DaoDao"), {"fields": ("role", "department", "jurisdiction")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.none()
