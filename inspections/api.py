from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authed import acting_user
from daodao.dates import PLANNED
from daodao.files import validate_image
from daodao.parsers import BoundedFormParser, BoundedJSONParser

from . import services
from .models import Finding, Inspection, RectificationEvent, RectificationOrder
from .selectors import inspections_for_user, orders_for_user


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "description", "severity", "found_on", "addressed_at"]


class InspectionSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    departments = serializers.SerializerMethodField()
    findings = FindingSerializer(many=True, read_only=True)
    # Empty until the inspection is carried out: the schema must allow "" (BlankEnum).
    outcome = serializers.ChoiceField(choices=Inspection.Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "venue", "venue_name", "type", "status", "planned_for", "carried_out_at", "departments",
                  "outcome", "people_tested", "positives", "summary", "disclosed_at", "findings"]
        read_only_fields = fields

    def get_departments(self, obj: Inspection) -> list[str]:
        return [d.department for d in obj.departments.all()]


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Scoped like the pages: undercover visits never reach a venue before disclosure."""

    serializer_class = InspectionSerializer
    filterset_fields = ["venue", "type", "status"]
    ordering_fields = ["carried_out_at", "planned_for"]

    def get_queryset(self) -> Any:
        return inspections_for_user(self.request.user).prefetch_related("findings").order_by("-id")


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationEvent
        fields = ["at", "action", "note", "actor"]


class OrderSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    finding = FindingSerializer(read_only=True)
    events = EventSerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationOrder
        fields = ["id", "venue", "venue_name", "status", "requirement", "issued_on", "deadline", "extended",
                  "is_overdue", "overdue_since", "closed_at", "closed_late", "finding", "events"]
        read_only_fields = fields


MAX_PHOTOS = 6  # rectification_submit keeps the first six


class OrderActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    new_deadline = serializers.DateField(required=False, validators=[PLANNED])
    photos = serializers.ListField(child=serializers.FileField(validators=[validate_image]), required=False,
                                   default=list, max_length=MAX_PHOTOS)


class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """``POST /api/v1/rectifications/{id}/submit|accept|reject|extend/`` move an order on."""

    serializer_class = OrderSerializer
    filterset_fields = ["venue", "status"]
    ordering_fields = ["deadline", "issued_on"]
    parser_classes = [BoundedJSONParser, MultiPartParser, BoundedFormParser]

    def get_queryset(self) -> Any:
        return orders_for_user(self.request.user).prefetch_related("events").order_by("deadline", "id")

    def _act(self, request: Request, run: Any) -> Response:
        order = self.get_object()
        body = OrderActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = run(order, body.validated_data)
        return Response(OrderSerializer(self.get_queryset().get(pk=order.pk)).data)

    @action(detail=True, methods=["post"], serializer_class=OrderActionSerializer)
    def submit(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._act(request, lambda o, d: services.rectification_submit(
            order=o, by=acting_user(request), note=d["note"], photos=d["photos"]))

    @action(detail=True, methods=["post"], serializer_class=OrderActionSerializer)
    def accept(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._act(request, lambda o, d: services.rectification_accept(order=o, by=acting_user(request),
                                                                             note=d["note"]))

    @action(detail=True, methods=["post"], serializer_class=OrderActionSerializer)
    def reject(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        return self._act(request, lambda o, d: services.rectification_reject(order=o, by=acting_user(request),
                                                                             reason=d["reason"]))

    @action(detail=True, methods=["post"], serializer_class=OrderActionSerializer)
    def extend(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        def run(o: RectificationOrder, d: dict[str, Any]) -> RectificationOrder:
            if "new_deadline" not in d:
                raise DjangoValidationError({"new_deadline": "required"})
            return services.rectification_extend(order=o, by=acting_user(request), new_deadline=d["new_deadline"],
                                                 reason=d["reason"])
        return self._act(request, run)
