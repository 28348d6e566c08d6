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
