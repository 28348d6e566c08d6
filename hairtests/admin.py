from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from daodao.admin import SystemAdminReadOnly

from .models import HairTestRound


@admin.register(HairTestRound)
class HairTestRoundAdmin(SystemAdminReadOnly):
    """The system administrator reads the rounds here. Association staff never see hair tests,
    and results are not in the admin at all: they are read on the round's page, audited."""

    list_display = ["venue", "status", "applied_at", "scheduled_on", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["venue"]
    search_fields = ["venue__name"]
    readonly_fields = ["venue", "status", "all_employees", "preferred_from", "preferred_until", "note", "applied_by",
                       "applied_at", "scheduled_on", "schedule_note", "decline_reason", "decided_by", "decided_at",
                       "completed_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HairTestRound]:
        return HairTestRound.objects.visible_to(request.user)
