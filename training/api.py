"""Exams for mobile clients.

Employees have no account: a client starts an attempt with the venue's QR token and the
employee's ID number and phone (rate limited like sign-in), and gets back a signed attempt
token to post the answers with. A logged-in venue manager starts the prevention exam with
the session or API token. Grading is the server's alone: the client sends option keys.
"""

from typing import Any

from django.core import signing
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import APIException, NotFound, Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from daodao.clientip import client_ip
from staff.identify import SignInRefused, employee_identify
from staff.models import SignInRefusal
from venues.models import Venue

from .models import Attempt, Paper, Question
from .services import attempt_start, attempt_submit, person_has_passed_onboarding

SALT = "daodao.training.attempt"


class IdentificationRefused(APIException):
    """The same 400 answer as the sign-in API gives (``staff.identify``)."""

    status_code = 400


class ExamThrottle(AnonRateThrottle):
    rate = "60/min"


class PaperSerializer(serializers.ModelSerializer):
    size = serializers.IntegerField(read_only=True)

    class Meta:
        model = Paper
        fields = ["code", "title", "audience", "size", "pass_mark", "time_limit_minutes", "attempts_per_day"]


class StartSerializer(serializers.Serializer):
    venue_token = serializers.CharField(required=False, max_length=64)
    id_number = serializers.CharField(required=False, max_length=18)
    phone = serializers.CharField(required=False, max_length=20)


class AnswersSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)
    answers = serializers.DictField(child=serializers.ListField(child=serializers.CharField(max_length=2),
                                                                max_length=10))


def attempt_payload(attempt: Attempt) -> dict[str, Any]:
    questions = Question.objects.in_bulk([d["q"] for d in attempt.drawn])
    return {
        "attempt": attempt.pk,
        "token": signing.dumps({"a": attempt.pk}, salt=SALT),
        "deadline": attempt.deadline_at,
        "questions": [
            {"id": d["q"], "type": questions[d["q"]].qtype, "text": questions[d["q"]].text,
             "options": [{"key": k, "text": questions[d["q"]].option_map[k]} for k in d["order"]]}
            for d in attempt.drawn
        ],
    }


class PaperList(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=PaperSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(PaperSerializer(Paper.objects.filter(active=True), many=True).data)


class AttemptStart(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ExamThrottle]

    @extend_schema(request=StartSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        body = StartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            if request.user.is_authenticated and request.user.is_manager and "venue_token" not in d:
                paper = Paper.objects.get(code=Paper.Code.MANAGER, active=True)
                attempt = attempt_start(paper=paper, user=request.user)
            else:
                attempt = attempt_start(**self._employee(request, d))
        except Paper.DoesNotExist:
            raise NotFound from None
        return Response(attempt_payload(attempt), status=status.HTTP_201_CREATED)

    def _employee(self, request: Request, d: dict[str, Any]) -> dict[str, Any]:
        venue = Venue.objects.operating().filter(signin_token=d.get("venue_token", "")).first()
        if venue is None:
            raise NotFound
        try:
            who = employee_identify(venue=venue, id_number=d.get("id_number", ""), phone=d.get("phone", ""),
                                    ip=client_ip(request._request), source=SignInRefusal.Source.EXAM)
        except SignInRefused as exc:
            if exc.code == "rate_limited":
                raise Throttled(detail=exc.messages[0]) from None
            raise IdentificationRefused({"detail": exc.messages[0], "code": exc.code}) from None
        employment = who.employment()
        code = Paper.Code.REFRESHER if person_has_passed_onboarding(employment.person_id) else Paper.Code.ONBOARDING
        return {"paper": Paper.objects.get(code=code, active=True), "person": employment.person, "venue": venue}


class AttemptAnswers(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ExamThrottle]

    @extend_schema(request=AnswersSerializer, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        body = AnswersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            ok = signing.loads(body.validated_data["token"], salt=SALT, max_age=6 * 3600).get("a") == pk
        except signing.BadSignature:
            ok = False
        attempt = Attempt.objects.select_related("paper").filter(pk=pk).first() if ok else None
        if attempt is None:
            raise NotFound
        graded = attempt_submit(attempt=attempt, answers=body.validated_data["answers"])
        a = graded.attempt
        return Response({
            "score": a.score, "passed": a.passed, "pass_mark": a.paper.pass_mark,
            "missed": [{"question": m["question"].text, "correct": m["correct"], "chosen": m["chosen"],
                        "explanation": m["question"].explanation} for m in graded.missed],
        })
