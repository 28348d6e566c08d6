from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from daodao.admin import ScopedAdmin, SystemAdminReadOnly

from . import selectors
from .models import ManualAdjustment, Rating, Rule, RuleSet


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RuleSet)
class RuleSetAdmin(SystemAdminReadOnly, ScopedAdmin):
    """Versions are created from the rules page (an edit makes a new version); here they are read."""

    list_display = ["jurisdiction", "version", "five_star_min", "four_star_min", "three_star_min", "yellow_from",
                    "red_from", "created_by", "created_at"]
    list_filter = ["jurisdiction__level"]
    inlines = [RuleInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleSet]:
        return selectors.rule_sets_for_user(request.user)


@admin.register(Rating)
class RatingAdmin(SystemAdminReadOnly, ScopedAdmin):
    list_display = ["venue", "period_start", "score", "tier", "is_final", "rule_set"]
    list_filter = ["is_final", "tier", "period_start"]
    search_fields = ["venue__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rating]:
        return selectors.ratings_for_user(request.user)


@admin.register(ManualAdjustment)
class ManualAdjustmentAdmin(SystemAdminReadOnly, ScopedAdmin):
    list_display = ["venue", "occurred_on", "points", "created_by", "created_at"]
    search_fields = ["venue__name", "reason"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ManualAdjustment]:
        return selectors.adjustments_for_user(request.user)
