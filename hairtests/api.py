"""The API of hair self-tests for mobile clients: the same selectors and services as the pages.

Rounds and their people for everyone who sees hair tests (scoped, 404 outside); results
only at ``rounds/{id}/results/`` for police (404 for everyone else, every read audited).
"""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authed import acting_user
from accounts.capabilities import may
from daodao.params import parse_id
from staff.models import Employment
from venues.models import Venue

from . import selectors, services
from .models import HairTestResult, HairTestRound, HairTestSubject


def _pk(value: Any) -> int:
    """An id from the path (the router accepts any text there): ASCII digits, else 404."""
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk


class HairTestSubjectSerializer(serializers.ModelSerializer):
    """Who is to be tested and how far: no result (that is police information)."""

    name = serializers.CharField(source="employment.person.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = HairTestSubject
        fields = ["id", "employment", "name", "state", "state_display", "sampled_on", "not_tested_reason"]
        read_only_fields = fields


class HairTestRoundSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    subjects = HairTestSubjectSerializer(many=True, read_only=True)

    class Meta:
        model = HairTestRound
        fields = ["id", "venue", "venue_name", "status", "status_display", "all_employees", "preferred_from",
                  "preferred_until", "note", "applied_at", "scheduled_on", "schedule_note", "decline_reason",
                  "completed_at", "subjects"]
        read_only_fields = fields


class HairTestApplySerializer(serializers.Serializer):
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.none())
    employments = serializers.PrimaryKeyRelatedField(queryset=Employment.objects.none(), many=True, required=False,
                                                     help_text="Empty or absent: all current employees.")
    preferred_from = serializers.DateField()
    preferred_until = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["venue"].queryset = Venue.objects.visible_to(request.user)  # type: ignore[attr-defined]
            self.fields["employments"].child_relation.queryset = (  # type: ignore[attr-defined]
                Employment.objects.visible_to(request.user).current())


class HairTestScheduleSerializer(serializers.Serializer):
    day = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class HairTestDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class HairTestResultSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="subject.employment.person.name", read_only=True)
    sample_code = serializers.CharField(source="subject.sample_code", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = HairTestResult
        fields = ["id", "subject", "name", "sample_code", "outcome", "outcome_display", "lab", "report_no",
                  "recorded_at"]
        read_only_fields = fields


class HairTestSampleSerializer(serializers.Serializer):
    sample_code = serializers.CharField(max_length=40)
    sampled_on = serializers.DateField()
    consent = serializers.BooleanField()


class HairTestNotTestedSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class HairTestResultInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=HairTestResult.Outcome.choices)
    lab = serializers.CharField(max_length=100)
    report_no = serializers.CharField(max_length=60)
    report = serializers.FileField()


class HairTestRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HairTestRoundSerializer
    # Who may see a round is scoping (``visible_to``: nothing for those without the
    # capability, so 404); who may act is the services' check (403 for a reader).
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        return (selectors.rounds_for_user(self.request.user)
                .prefetch_related("subjects__employment__person"))

    def _round(self, pk: Any) -> HairTestRound:
        return get_object_or_404(HairTestRound.objects.visible_to(self.request.user).select_related(
            "venue__station", "venue__street"), pk=_pk(pk))

    def _answer(self, rnd: HairTestRound, code: int = status.HTTP_200_OK) -> Response:
        return Response(HairTestRoundSerializer(self.get_queryset().get(pk=rnd.pk)).data, status=code)

    @extend_schema(request=HairTestApplySerializer, responses={201: HairTestRoundSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A venue manager applies (employments empty or absent: all current employees)."""
        body = HairTestApplySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        d = body.validated_data
        rnd = services.hairtest_apply(
            by=acting_user(request), venue=d["venue"], employments=d.get("employments") or None,
            preferred_from=d["preferred_from"], preferred_until=d["preferred_until"], note=d["note"],
            request=request._request)
        return self._answer(rnd, status.HTTP_201_CREATED)

    @extend_schema(request=HairTestScheduleSerializer, responses={200: HairTestRoundSerializer})
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        rnd = self._round(pk)
        body = HairTestScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.hairtest_schedule(rnd=rnd, by=acting_user(request), day=body.validated_data["day"],
                                   note=body.validated_data["note"], request=request._request)
        return self._answer(rnd)

    @extend_schema(request=HairTestDeclineSerializer, responses={200: HairTestRoundSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        rnd = self._round(pk)
        body = HairTestDeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.hairtest_decline(rnd=rnd, by=acting_user(request), reason=body.validated_data["reason"],
                                  request=request._request)
        return self._answer(rnd)

    @extend_schema(request=None, responses={200: HairTestResultSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        """The round's individual results: police only (404 for everyone else), read audited."""
        if not may(request.user, "sees_hair_results"):
            raise Http404
        rnd = self._round(pk)
        results = services.hairtest_results_view(rnd=rnd, by=acting_user(request), request=request._request)
        return Response(HairTestResultSerializer(sorted(results.values(), key=lambda r: r.pk), many=True).data)


class HairTestSampleViewSet(viewsets.GenericViewSet):
    """The social workers' steps on one person of a round (``samples/{id}/…``)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = HairTestSubjectSerializer

    def get_queryset(self) -> Any:
        return HairTestSubject.objects.filter(round__in=HairTestRound.objects.visible_to(self.request.user))

    def _subject(self, pk: Any) -> HairTestSubject:
        return selectors.subject_get_for_user(self.request.user, _pk(pk))

    @extend_schema(request=HairTestSampleSerializer, responses={200: HairTestSubjectSerializer})
    @action(detail=True, methods=["post"])
    def sample(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        subject = self._subject(pk)
        body = HairTestSampleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        services.hairtest_sample(subject=subject, by=acting_user(request), sample_code=d["sample_code"],
                                 sampled_on=d["sampled_on"], consent=d["consent"], request=request._request)
        return Response(HairTestSubjectSerializer(subject).data)

    @extend_schema(request=HairTestNotTestedSerializer, responses={200: HairTestSubjectSerializer})
    @action(detail=True, methods=["post"], url_path="not-tested")
    def not_tested(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        subject = self._subject(pk)
        body = HairTestNotTestedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.hairtest_not_tested(subject=subject, by=acting_user(request), reason=body.validated_data["reason"],
                                     request=request._request)
        return Response(HairTestSubjectSerializer(subject).data)

    @extend_schema(request={"multipart/form-data": HairTestResultInputSerializer},
                   responses={200: HairTestSubjectSerializer})
    @action(detail=True, methods=["post"])
    def result(self, request: Request, pk: Any = None, **kwargs: Any) -> Response:
        """Enter the lab's result with the scanned report (multipart). Answers the person's
        state, not the result: the social worker's client does not keep results."""
        subject = self._subject(pk)
        body = HairTestResultInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        services.hairtest_result_record(subject=subject, by=acting_user(request), outcome=d["outcome"],
                                        lab=d["lab"], report_no=d["report_no"], report=d["report"],
                                        request=request._request)
        subject.refresh_from_db()
        return Response(HairTestSubjectSerializer(subject).data)
