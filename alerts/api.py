from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authed import acting_user
from accounts.models import Jurisdiction, User

from .filters import AlertFilter
from .kinds import kind_choices
from .models import Alert
from .selectors import alert_list_for_user, dispatch_targets_for_user
from .services import alert_close, alert_dismiss, alert_dispatch, alert_handle


class AlertSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    kind_label = serializers.CharField(read_only=True)
    # "" until dismissed, then one of Alert.DismissCause (a plain string: the choices are
    # documented once, on the transition's ``cause``).
    dismiss_cause = serializers.CharField(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id", "venue", "venue_name", "kind", "kind_label", "severity", "status", "title", "evidence",
            "first_raised_at", "last_raised_at", "raise_count", "assigned_station", "assigned_officer",
            "feedback", "dismiss_reason", "dismiss_cause", "closed_at",
        ]
        read_only_fields = fields


# One answer for an id outside the caller's jurisdiction and an id that does not exist:
# the API must not tell which station or officer ids exist elsewhere.
NOT_A_TARGET: dict[str, Any] = {"does_not_exist": _("Choose a police station or officer of your jurisdiction."),
                "incorrect_type": _("Choose a police station or officer of your jurisdiction.")}


class AlertTransitionSerializer(serializers.Serializer):
    """PATCH body: the status to move to, and what that step needs.

    Stations and officers are looked up in the caller's dispatch targets (the same
    selector as the dispatch form), so a foreign id is simply not found."""

    status = serializers.ChoiceField(choices=["dispatched", "handled", "closed", "dismissed"])
    assigned_station = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.none(), required=False,
                                                          allow_null=True, error_messages=NOT_A_TARGET)
    assigned_officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False,
                                                          allow_null=True, error_messages=NOT_A_TARGET)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    cause = serializers.ChoiceField(choices=Alert.DismissCause.choices, required=False,
                                    default=Alert.DismissCause.OTHER)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = user if user is not None else getattr(self.context.get("request"), "user", None)
        if user is None:  # schema generation: no caller, no targets
            return
        stations, officers = dispatch_targets_for_user(user)
        cast(serializers.PrimaryKeyRelatedField, self.fields["assigned_station"]).queryset = stations
        cast(serializers.PrimaryKeyRelatedField, self.fields["assigned_officer"]).queryset = officers

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
        body = AlertTransitionSerializer(data=request.data, user=request.user)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        match d["status"]:
            case "dispatched":
                alert = alert_dispatch(alert=alert, by=acting_user(request), station=d.get("assigned_station"),
                                       officer=d.get("assigned_officer"), note=d["note"])
            case "handled":
                alert = alert_handle(alert=alert, by=acting_user(request), feedback=d["feedback"])
            case "closed":
                alert = alert_close(alert=alert, by=acting_user(request), note=d["note"])
            case "dismissed":
                alert = alert_dismiss(alert=alert, by=acting_user(request), reason=d["reason"], cause=d["cause"])
        return Response(AlertSerializer(alert).data)
