from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.capabilities import may
from daodao.admin import ScopedAdmin
from venues.scoping import venue_scope

from .models import Appeal, RatingReply, RevisitRequest


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Appeals, replies and re-visits are filed and decided on their pages (audited, with
    notices); in the admin they are read, within the reader's scope, never edited."""

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


@admin.register(Appeal)
class AppealAdmin(ReadOnlyScopedAdmin):
    """The association's staff see none (an appeal is the venue's and the police's); the
    system administrator sees all."""

    list_display = ["venue", "filed_at", "status", "outcome", "decide_by", "score_before", "score_after"]
    list_filter = ["status", "outcome"]
    list_select_related = ["venue"]
    search_fields = ["venue__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appeal]:
        return Appeal.objects.visible_to(request.user)


@admin.register(RevisitRequest)
class RevisitRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ["venue", "requested_at", "status", "scheduled_at"]
    list_filter = ["status"]
    list_select_related = ["venue"]
    search_fields = ["venue__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RevisitRequest]:
        return RevisitRequest.objects.visible_to(request.user)


@admin.register(RatingReply)
class RatingReplyAdmin(ReadOnlyScopedAdmin):
    """Replies are public on the plaque page: the association reads those of its area."""

    list_display = ["venue", "rating", "published_at"]
    list_select_related = ["venue", "rating"]
    search_fields = ["venue__name", "text"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RatingReply]:
        return RatingReply.objects.filter(venue_scope(request.user, "venue__"))
