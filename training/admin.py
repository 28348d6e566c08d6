from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from daodao.admin import AssociationAdmin, SharedTextAdmin, SystemAdminReadOnly

from .models import Course, Paper, Question


@admin.register(Course)
class CourseAdmin(AssociationAdmin):
    """Study material (text, an illustration, a PDF or video) kept by the association or the narcotics office."""

    list_display = ["title", "owner", "audience", "published"]
    list_filter = ["owner", "audience", "published"]


@admin.register(Question)
class QuestionAdmin(SharedTextAdmin):
    """Questions are added through the validated import (per-row error report); here they
    are read, corrected and retired ("in use" off: past attempts still refer to them) by
    those who may publish shared texts; association staff read them."""

    list_display = ["text", "category", "qtype", "active"]
    list_filter = ["category", "qtype", "active"]
    search_fields = ["text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Paper)
class PaperAdmin(SystemAdminReadOnly):
    list_display = ["title", "code", "pass_mark", "time_limit_minutes", "attempts_per_day", "active"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_system_admin)
