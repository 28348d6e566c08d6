from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.capabilities import may
from accounts.models import Jurisdiction
from daodao.params import parse_id

from . import selectors
from .models import Deduction, Rating, Standing
from .wording import venue_text


class DeductionSerializer(serializers.ModelSerializer):
    """A line of a rating. ``description`` is written for whoever asks (ratings/wording.py);
    the source record (``source_type``, ``source_id``) is given to police only, null otherwise."""

    class Meta:
        model = Deduction
        fields = ["rule_code", "occurred_on", "points", "source_type", "source_id", "description"]
        extra_kwargs = {"source_type": {"allow_null": True}, "source_id": {"allow_null": True}}

    def to_representation(self, instance: Deduction) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not may(request.user, "works_police_side"):
            data["source_type"] = data["source_id"] = None
            data["description"] = venue_text(instance)
        return data


class RatingSerializer(serializers.ModelSerializer):
    deductions = DeductionSerializer(many=True, read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "venue", "period_start", "period_end", "score", "tier", "tier_label", "is_final",
                  "rule_set", "rule_set_version", "computed_at", "deductions"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("venue", int, description="Only this venue's ratings."),
    OpenApiParameter("final", str, enum=["true", "false"], description="Frozen (true) or provisional (false)."),
]))
class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    """Ratings of the venues in scope, newest period first: current (provisional) and history
    (frozen), each with its deductions. Filter with ?venue=<id>&final=true|false."""

    serializer_class = RatingSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        qs = selectors.ratings_for_user(self.request.user).prefetch_related("deductions").order_by(
            "-period_start", "venue_id")
        venue = parse_id(self.request.query_params.get("venue"))
        if venue is not None:
            qs = qs.filter(venue_id=venue)
        final = self.request.query_params.get("final")
        if final in ("true", "false"):
            qs = qs.filter(is_final=final == "true")
        return qs


class DueSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    station = serializers.IntegerField(source="venue.station_id", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Standing
        fields = ["venue", "venue_name", "station", "score", "tier", "colour", "last_inspection_on",
                  "next_due_on", "overdue"]

    def get_overdue(self, obj: Standing) -> bool:
        return obj.next_due_on < self.context["today"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("station", int, description="Only venues of this police station."),
]))
class DueViewSet(viewsets.GenericViewSet):
    """Inspections due (police only; others see an empty list), most urgent first. ?station=<id>."""

    serializer_class = DueSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        user = self.request.user
        if not may(user, "works_police_side"):
            return Standing.objects.none()
        station = None
        sid = parse_id(self.request.query_params.get("station"))
        if sid is not None:
            station = Jurisdiction.objects.visible_to(user).filter(pk=sid).first()
        return selectors.due_list(user, station=station)

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:

        page = self.paginate_queryset(self.get_queryset())
        ser = self.get_serializer(page, many=True, context={"today": timezone.localdate(), "request": request})
        return self.get_paginated_response(ser.data)
