from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from daodao.clientip import client_ip

from .identify import SignInRefused
from .models import SignIn
from .selectors import venue_for_signin
from .services import signin_record


class SignInSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = SignIn
        fields = ["id", "venue", "venue_name", "employment", "name", "day", "at", "distance_m", "far_from_venue",
                  "before_training", "source"]
        read_only_fields = fields


def signin_payload(signin: SignIn, name: str) -> dict[str, Any]:
    """SignInSerializer's output built by hand: the POST is the hottest endpoint, and a
    ModelSerializer costs about a millisecond just to build its fields."""
    return {
        "id": signin.pk, "venue": signin.venue_id, "venue_name": signin.venue.name,
        "employment": signin.employment_id, "name": name, "day": signin.day.isoformat(),
        "at": serializers.DateTimeField().to_representation(signin.at), "distance_m": signin.distance_m,
        "far_from_venue": signin.far_from_venue, "before_training": signin.before_training, "source": signin.source,
    }


class SignInCreateSerializer(serializers.Serializer):
    """The employee's identification and the venue's poster token; location optional."""

    token = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=18, min_length=18, write_only=True)
    phone = serializers.CharField(max_length=20, write_only=True)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False,
                                   allow_null=True)
    lng = serializers.DecimalField(max_digits=10, decimal_places=6, min_value=-180, max_value=180, required=False,
                                   allow_null=True)


class SignInFilter(django_filters.FilterSet):
    venue = django_filters.NumberFilter(field_name="venue_id", label=_("Venue"))
    date_from = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=_("To"))

    class Meta:
        model = SignIn
        fields = ["venue", "date_from", "date_to"]


class SignInViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """``POST`` signs an employee in (public, like the poster page: 201 new, 200 repeat);
    ``GET`` lists the sign-ins of the caller's venues, filterable by venue and date range."""

    filterset_class = SignInFilter
    ordering_fields = ["at", "day"]

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.action == "create" else [IsAuthenticated()]

    def get_queryset(self) -> Any:
        return SignIn.objects.visible_to(self.request.user).select_related("venue", "person")

    def get_serializer_class(self) -> Any:
        return SignInCreateSerializer if self.action == "create" else SignInSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SignInCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        venue = venue_for_signin(data["token"])
        if venue is None:
            raise NotFound
        try:
            result = signin_record(venue=venue, id_number=data["id_number"], phone=data["phone"],
                                   lat=data.get("lat"), lng=data.get("lng"), source=SignIn.Source.API,
                                   ip=client_ip(request))
        except SignInRefused as exc:
            if exc.code == "rate_limited":
                raise Throttled(detail=exc.messages[0]) from None
            return Response({"detail": exc.messages[0], "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response(signin_payload(result.signin, result.who.name),
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
