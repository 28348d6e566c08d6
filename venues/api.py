from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from daodao.api import as_drf_error

from .filters import VenueFilter
from .models import Venue
from .selectors import manager_accounts_for_user, stations_for_user, venue_list_for_user
from .services import venue_create, venue_update


class ScopedStationField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return stations_for_user(self.context["request"].user)


class ScopedManagersField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return manager_accounts_for_user(self.context["request"].user)


class VenueSerializer(serializers.ModelSerializer):
    station = ScopedStationField()
    station_name = serializers.CharField(source="station.name", read_only=True)
    managers = ScopedManagersField(many=True, required=False)
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Venue
        fields = [
            "id", "name", "type", "type_display", "licence_no", "address", "station", "station_name",
            "managers", "contact_phone", "status", "status_display", "expected_headcount", "opened_on",
            "latitude", "longitude", "signin_token", "created_at", "updated_at",
        ]
        read_only_fields = ["signin_token", "created_at", "updated_at"]


class CanManageVenues(permissions.BasePermission):
    """Reads for everyone in scope; writes for roles that manage the registry (403 otherwise)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user.can_manage_venues)


class VenueViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = VenueSerializer
    permission_classes = [permissions.IsAuthenticated, CanManageVenues]
    filterset_class = VenueFilter
    ordering_fields = ["name", "opened_on", "expected_headcount", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return venue_list_for_user(self.request.user).prefetch_related("managers")

    def perform_create(self, serializer: VenueSerializer) -> None:
        data = dict(serializer.validated_data)
        managers: list[User] = data.pop("managers", [])
        try:
            serializer.instance = venue_create(by=self.request.user, data=data, managers=managers,
                                               request=self.request._request)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise as_drf_error(exc) from exc

    def perform_update(self, serializer: VenueSerializer) -> None:
        data = dict(serializer.validated_data)
        managers = data.pop("managers", None)
        try:
            serializer.instance = venue_update(venue=serializer.instance, by=self.request.user, data=data,
                                               managers=managers, request=self.request._request)
        except (DjangoValidationError, DjangoPermissionDenied) as exc:
            raise as_drf_error(exc) from exc



