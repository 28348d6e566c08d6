"""The outreach API in the conventions of ``appeals/api.py``: the scoped queryset of the
pages (404 outside scope), the same month filter; POST records a visit through the same
service as the phone page (association staff only; venues outside their area answer 404;
photos as multipart, checked like the page's)."""

from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.capabilities import api_permission
from accounts.models import User
from daodao.params import parse_id, parse_month
from venues.models import Venue

from .models import OutreachVisit
from .selectors import visits_for_user, visits_in_month
from .services import MAX_PHOTOS, MAX_VOLUNTEERS, outreach_visit_record


class VenueRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OutreachVisitSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="jurisdiction.name", read_only=True)
    venues = VenueRefSerializer(many=True, read_only=True)  # only those the reader may see
    recorded_by = serializers.CharField(source="recorded_by.get_full_name", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = OutreachVisit
        fields = ["id", "day", "area", "venues", "volunteers", "volunteer_names", "summary", "recorded_by",
                  "created_at", "photos"]
        read_only_fields = fields

    def get_photos(self, visit: OutreachVisit) -> int:
        return len(visit.photos.all())


class VisitRecordSerializer(serializers.Serializer):
    day = serializers.DateField()
    venues = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                   min_length=1, max_length=200)
    volunteers = serializers.IntegerField(min_value=1, max_value=MAX_VOLUNTEERS)
    volunteer_names = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=2000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=MAX_PHOTOS)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("month", str, description="Only the visits of this month, YYYY-MM."),
    OpenApiParameter("venue", int, description="Only the visits to this venue."),
]))
class OutreachVisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Volunteer outreach visits in scope, newest first: the association's and the police's
    area, a manager's own venue (naming only it). Partner departments have none. POST
    records one (association staff; JSON, or multipart with photos)."""

    serializer_class = OutreachVisitSerializer
    permission_classes = [IsAuthenticated, api_permission("sees_outreach")]

    def get_permissions(self) -> Any:
        if self.action == "create":
            return [IsAuthenticated(), api_permission("records_outreach")()]
        return super().get_permissions()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        month = parse_month(params.get("month", "")) if params.get("month") else None
        if params.get("month") and month is None:
            raise ValidationError({"month": [_("Give the month as YYYY-MM.")]})
        qs = visits_in_month(visits_for_user(self.request.user), month)
        venue = parse_id(params.get("venue"))
        if venue is not None:
            qs = qs.filter(venues=venue)
        return qs

    @extend_schema(request=VisitRecordSerializer, responses={201: OutreachVisitSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record one visit (association staff of the area; the same checks as the page)."""
        ser = VisitRecordSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        user = cast(User, request.user)
        ids = set(d["venues"])
        venues = list(Venue.objects.visible_to(user).filter(pk__in=ids))
        if len(venues) != len(ids):
            raise NotFound
        visit = outreach_visit_record(by=user, day=d["day"], venues=venues, volunteers=d["volunteers"],
                                      volunteer_names=d["volunteer_names"], summary=d["summary"],
                                      photos=d.get("photos", []), request=request)
        visit = visits_for_user(user).get(pk=visit.pk)
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)
