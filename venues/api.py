from typing import Any

from rest_framework import mixins, permissions, serializers, viewsets

from accounts.authed import acting_user
from accounts.capabilities import api_permission
from accounts.models import User

from .filters import VenueFilter
from .models import Venue
from .selectors import manager_accounts_for_user, stations_for_user, streets_for_user, venue_list_for_user
from .services import venue_create, venue_update


class ScopedStationField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return stations_for_user(self.context["request"].user)


class ScopedStreetField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return streets_for_user(self.context["request"].user)


class ScopedManagersField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return manager_accounts_for_user(self.context["request"].user)


class VenueSerializer(serializers.ModelSerializer):
    station = ScopedStationField()
    station_name = serializers.CharField(source="station.name", read_only=True)
    street = ScopedStreetField(required=False, allow_null=True)
    managers = ScopedManagersField(many=True, required=False)
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Venue
        fields = [
            "id", "name", "type", "type_display", "licence_no", "address", "station", "station_name",
            "street", "managers", "contact_phone", "status", "status_display", "expected_headcount", "opened_on",
            "latitude", "longitude", "signin_token", "created_at", "updated_at",
        ]
        read_only_fields = ["signin_token", "created_at", "updated_at"]


# Reads for everyone in scope; writes for roles that manage the registry (403 otherwise).
CanManageVenues = api_permission("can_manage_venues", safe_methods_open=True)


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

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        managers: list[User] = data.pop("managers", [])
        serializer.instance = venue_create(by=acting_user(self.request), data=data, managers=managers,
                                           request=self.request._request)

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        managers = data.pop("managers", None)
        serializer.instance = venue_update(venue=serializer.instance, by=acting_user(self.request), data=data,
                                           managers=managers, request=self.request._request)



