"""The outreach API, read-only, in the conventions of ``appeals/api.py``: the scoped
queryset of the pages (404 outside scope), the same month filter. Visits are recorded on
the phone page (photos, a searchable venue list); a client that needs to record them
through the API is future work."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated

from accounts.capabilities import api_permission
from daodao.params import parse_id, parse_month

from .models import OutreachVisit
from .selectors import visits_for_user, visits_in_month


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


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("month", str, description="Only the visits of this month, YYYY-MM."),
    OpenApiParameter("venue", int, description="Only the visits to this venue."),
]))
class OutreachVisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Volunteer outreach visits in scope, newest first: the association's and the police's
    area, a manager's own venue (naming only it). Partner departments have none."""

    serializer_class = OutreachVisitSerializer
    permission_classes = [IsAuthenticated, api_permission("sees_outreach")]

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
