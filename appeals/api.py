"""The appeals API for mobile clients, in the conventions of ``ratings/api.py``: scoped
querysets (404 outside scope), services for every write (their ValidationError and
PermissionDenied answer 400/403 through ``daodao.api.exception_handler``)."""

from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.capabilities import api_permission
from accounts.models import User
from daodao.params import parse_id
from ratings.models import Deduction, Rating
from venues.models import Venue

from . import selectors, services
from .models import Appeal, Outcome, RatingReply, RevisitRequest


class AppealSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "rating", "venue", "venue_name", "deduction", "contested", "contested_points", "reasons",
                  "filed_at", "decide_by", "status", "status_label", "outcome", "outcome_label", "decision_reasons",
                  "withdrawn_at",
                  "points_restored", "decided_at", "score_before", "tier_before", "score_after", "tier_after"]
        read_only_fields = fields


class AppealFileSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1)
    deduction = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reasons = serializers.CharField(max_length=services.MAX_REASONS)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reasons = serializers.CharField(max_length=services.MAX_REASONS)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, max_value=100, required=False,
                                      allow_null=True)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("venue", int, description="Only this venue's appeals."),
    OpenApiParameter("status", str, enum=["open", "overdue", "decided", "withdrawn"],
                     description="Only appeals in this state."),
]))
class AppealViewSet(viewsets.ReadOnlyModelViewSet):
    """Rating appeals of the venues in scope (the venue's managers and the police of its
    area; nobody else). POST files one (a manager, multipart for attachments);
    POST <id>/decide/ decides one (a narcotics officer who did not record the facts)."""

    serializer_class = AppealSerializer
    permission_classes = [IsAuthenticated, api_permission("sees_appeals")]

    def get_queryset(self) -> Any:
        qs = selectors.appeals_for_user(self.request.user)
        venue = parse_id(self.request.query_params.get("venue"))
        if venue is not None:
            qs = qs.filter(venue_id=venue)
        return selectors.appeal_list_filter(qs, self.request.query_params.get("status", ""))

    @extend_schema(request=AppealFileSerializer, responses={201: AppealSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = AppealFileSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        user = cast(User, request.user)
        rating = Rating.objects.filter(pk=d["rating"], venue__in=Venue.objects.visible_to(user)).select_related(
            "venue").first()
        if rating is None:
            raise NotFound
        deduction = None
        if d.get("deduction"):
            deduction = Deduction.objects.filter(pk=d["deduction"], rating=rating).first()
            if deduction is None:
                raise NotFound
        appeal = services.appeal_file(by=user, rating=rating, deduction=deduction, reasons=d["reasons"],
                                      attachments=d.get("attachments", []), request=request)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        appeal = self.get_object()
        ser = DecisionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        appeal = services.appeal_decide(appeal=appeal, by=cast(User, request.user), outcome=d["outcome"],
                                        reasons=d["reasons"], points=d.get("points"), request=request)
        return Response(AppealSerializer(appeal).data)


    @extend_schema(request=None, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        appeal = services.appeal_withdraw(appeal=self.get_object(), by=cast(User, request.user), request=request)
        return Response(AppealSerializer(appeal).data)


class ReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingReply
        fields = ["id", "rating", "venue", "text", "published_at"]
        read_only_fields = ["id", "venue", "published_at"]
        extra_kwargs = {"rating": {"queryset": Rating.objects.none()}}


class ReplyViewSet(viewsets.GenericViewSet):
    """The venue's reply beside a frozen rating: managers publish (or replace) it; everyone
    in scope reads it (it is public on the plaque page anyway)."""

    serializer_class = ReplySerializer
    permission_classes = [IsAuthenticated, api_permission("sees_appeals")]

    def get_queryset(self) -> Any:
        return RatingReply.objects.filter(venue__in=Venue.objects.visible_to(self.request.user)).order_by(
            "-published_at")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReplySerializer(page, many=True).data)

    @extend_schema(request=ReplySerializer, responses={201: ReplySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rating_id = parse_id(str(request.data.get("rating", "")))
        rating = Rating.objects.filter(pk=rating_id or 0, venue__in=Venue.objects.visible_to(request.user)) \
            .select_related("venue").first()
        if rating is None:
            raise NotFound
        text = request.data.get("text", "")
        reply = services.rating_reply_publish(by=cast(User, request.user), rating=rating, text=str(text)[:2000],
                                              request=request)
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class RevisitSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RevisitRequest
        fields = ["id", "venue", "venue_name", "rectified", "requested_at", "status", "status_label", "scheduled_at"]
        read_only_fields = ["id", "venue_name", "requested_at", "status", "status_label", "scheduled_at"]
        extra_kwargs = {"venue": {"queryset": Venue.objects.none()}}


class ScheduleSerializer(serializers.Serializer):
    planned_for = serializers.DateField()


class RevisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Re-visit requests of the venues in scope. POST asks for one (a manager);
    POST <id>/schedule/ plans it as a routine inspection (an officer)."""

    serializer_class = RevisitSerializer
    permission_classes = [IsAuthenticated, api_permission("sees_appeals")]

    def get_queryset(self) -> Any:
        return selectors.revisits_for_user(self.request.user)

    @extend_schema(request=RevisitSerializer, responses={201: RevisitSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        venue = Venue.objects.visible_to(request.user).filter(
            pk=parse_id(str(request.data.get("venue", ""))) or 0).first()
        if venue is None:
            raise NotFound
        revisit = services.revisit_request(by=cast(User, request.user), venue=venue,
                                           rectified=str(request.data.get("rectified", ""))[:4000], request=request)
        return Response(RevisitSerializer(revisit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScheduleSerializer, responses={200: RevisitSerializer})
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        revisit = self.get_object()
        ser = ScheduleSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.revisit_schedule(by=cast(User, request.user), revisit=revisit,
                                  planned_for=ser.validated_data["planned_for"], request=request)
        revisit.refresh_from_db()
        return Response(RevisitSerializer(revisit).data)
