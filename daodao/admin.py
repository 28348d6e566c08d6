"""Admin pieces shared by every app's ModelAdmin.

Every registered ModelAdmin derives from ``ScopedAdmin`` (tests/test_admin_scoping.py walks
``admin.site._registry`` and checks it): its queryset is the user's scoped read, and an
object outside it answers exactly like one that does not exist, on every admin page
(change, history, delete): ids in other jurisdictions cannot be probed.
"""

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose queryset is scoped; answers 404 for objects outside it.

    Subclasses override ``get_queryset`` with the app's one access path (for a model that
    hangs off a venue, ``venue_scope``); models without a jurisdiction (shared texts, the
    audit log) are the same for everyone who may view them.

    Django's admin checks existence before permission on some pages (history) and after it
    on others (change, delete). ``get_object`` finds nothing for a user who may not view
    the model at all, so both orders give one answer whether or not the id exists; a
    missing object raises 404 instead of Django's redirect to the index with "doesn't
    exist".
    """

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        if not self.has_view_or_change_permission(request):
            return None
        return super().get_object(request, object_id, from_field)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        raise Http404


class SystemAdminReadOnly(ScopedAdmin):
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


class AssociationAdmin(ScopedAdmin):
    """Shared records the association keeps in the admin (study material)."""

    def _allowed(self, request: HttpRequest) -> bool:
        u = request.user
        return bool(getattr(u, "uses_admin_site", False))  # AnonymousUser has no capabilities

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




def _publishes(request: HttpRequest) -> bool:
    """The user's ``may_publish_shared_texts`` (AnonymousUser has no capabilities)."""
    return bool(getattr(request.user, "may_publish_shared_texts", False))

class SharedTextAdmin(AssociationAdmin):
    """City-wide shared texts (the question bank): association staff read them in the admin,
    only those who may publish shared texts (``User.may_publish_shared_texts``) change them."""

    def _allowed(self, request: HttpRequest) -> bool:
        return super()._allowed(request) or bool(request.user.is_staff and _publishes(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request) and _publishes(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request) and _publishes(request)


def scope_registered_admins(site: admin.AdminSite = admin.site) -> None:
    """Put the ModelAdmins other packages register (auth groups, API tokens, the axes
    logs) under ``ScopedAdmin`` too, keeping everything else they do.

    Those admins keep Django's permission model (superusers only, in practice); the
    ScopedAdmin base makes their history pages, which look the object up before checking
    permission, answer like every other admin. Called from the URLconf, after admin
    autodiscovery has registered every app's admin (project apps come first in
    INSTALLED_APPS, so their modules cannot do it).
    """
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ScopedAdmin):
            continue
        original = type(model_admin)
        scoped = type(original.__name__, (ScopedAdmin, original), {"__module__": original.__module__})
        site.unregister(model)
        site.register(model, scoped)
