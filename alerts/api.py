from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Jurisdiction, User
from daodao.api import as_drf_error

from .filters import AlertFilter
from .kinds import kind_choices
from .models import Alert
from .selectors import alert_list_for_user
from .services import alert_close, alert_dismiss, alert_dispatch, alert_handle


class AlertSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    kind_label = serializers.CharField(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "venue", "venue_name", "kind", "kind_label", "severity", "status", "title", "evidence",
            "first_raised_at", "last_raised_at", "raise_count", "assigned_station", "assigned_officer",
            "feedback", "dismiss_reason", "closed_at",
        ]
        read_only_fields = fields


class AlertTransitionSerializer(serializers.Serializer):
    """PATCH body: the status to move to, and what that step needs."""

    status = serializers.ChoiceField(choices=["dispatched", "handled", "closed", "dismissed"])
    assigned_station = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all(), required=False,
                                                          allow_null=True)
    assigned_officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False,
                                                          allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    # The PATCH view validates a whole body (status is required), but drf-spectacular marks
    # every PATCH body partial and so documented no required field. Never partial, then.
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass


@extend_schema_view(
    list=extend_schema(parameters=[
        # The kinds are registered by the apps that raise alerts; read once the registry is full.
        OpenApiParameter("kind", str, enum=[k for k, _label in kind_choices()]),
    ]),
    partial_update=extend_schema(request=AlertTransitionSerializer, responses=AlertSerializer),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Police-only. Other roles get an empty list and 404s, as if no alert existed."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    ordering_fields = ["severity", "first_raised_at", "last_raised_at"]

    def get_queryset(self) -> Any:
        return alert_list_for_user(self.request.user)

    def get_serializer_class(self) -> Any:
        return AlertTransitionSerializer if self.action == "partial_update" else AlertSerializer

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        alert = self.get_object()
        body = AlertTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            match d["status"]:
                case "dispatched":
                    alert = alert_dispatch(alert=alert, by=request.user, station=d.get("assigned_station"),
                                           officer=d.get("assigned_officer"), note=d["note"])
                case "handled":
                    alert = alert_handle(alert=alert, by=request.user, feedback=d["feedback"])
                case "closed":
                    alert = alert_close(alert=alert, by=request.user, note=d["note"])
                case "dismissed":
                    alert = alert_dismiss(alert=alert, by=request.user, reason=d["reason"])
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise as_drf_error(exc) from exc
        return Response(AlertSerializer(alert).data)
