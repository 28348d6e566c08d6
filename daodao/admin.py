"""Admin pieces shared by every app's ModelAdmin."""

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose get_queryset is scoped answers 404 for objects outside it.

    Django's admin would redirect to the index with "doesn't exist"; a 404 matches the
    rest of the app and reveals nothing about ids in other jurisdictions.
    """

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        raise Http404


class SystemAdminReadOnly(admin.ModelAdmin):
    """Records nobody edits by hand (audit events, machine-raised alerts): system
    administrators read and filter them; no one adds, changes or deletes."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_system_admin)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssociationAdmin(admin.ModelAdmin):
    """Shared records the association keeps in the admin (study material, the question bank)."""

    def _allowed(self, request: HttpRequest) -> bool:
        u = request.user
        return bool(u.is_active and u.is_staff and (u.is_system_admin or u.is_association))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
