from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from inspections.models import InterviewTask
from staff.models import Employment, SignIn
from staff.services import employee_register, employment_activate
from training.demo import ensure_papers
from training.models import Attempt, AttemptAnswer, Question
from training.services import attempt_start, attempt_submit, paper_draw, questions_import, training_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(db):
    from training.bank import BANK

    Question.objects.bulk_create([
        Question(category=c, qtype=t, text=q, options=[{"key": "ABCD"[i], "text": o} for i, o in enumerate(opts)],
                 answer=sorted(a), explanation=e) for c, t, q, opts, a, e in BANK])
    return ensure_papers()


@pytest.fixture
def newcomer(users, venues):
    return employee_register(by=users["manager_a"], venue=venues["a"], name="李新", id_number="11010519491231002X",
                             phone="13900000002")


def right_answers(attempt):
    qs = Question.objects.in_bulk([d["q"] for d in attempt.drawn])
    return {str(d["q"]): qs[d["q"]].answer for d in attempt.drawn}


def test_paper_follows_blueprint_and_shuffles(bank):
    drawn = paper_draw(bank["onboarding"])
    assert len(drawn) == 20 and len({d["q"] for d in drawn}) == 20
    qs = Question.objects.in_bulk([d["q"] for d in drawn])
    assert sorted(qs[d["q"]].category for d in drawn).count("law") == 5
    assert all(sorted(d["order"]) == sorted(o["key"] for o in qs[d["q"]].options) for d in drawn)


def test_pass_activates_the_pending_employee(bank, newcomer):
    with pytest.raises(ValidationError):
        employment_activate(employment=newcomer, by=None, reason="no exam")
    attempt = attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue)
    graded = attempt_submit(attempt=attempt, answers=right_answers(attempt))
    assert graded.attempt.score == 100 and graded.attempt.passed and graded.missed == []
    newcomer.refresh_from_db()
    assert newcomer.status == Employment.Status.ACTIVE


def test_fail_shows_missed_explanations_and_stays_pending(bank, newcomer):
    attempt = attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue)
    answers = right_answers(attempt)
    for qid in list(answers)[:5]:
        answers[qid] = ["Z"]
    graded = attempt_submit(attempt=attempt, answers=answers)
    assert graded.attempt.score == 75 and not graded.attempt.passed
    assert len(graded.missed) == 5 and all(m["question"].explanation for m in graded.missed)
    newcomer.refresh_from_db()
    assert newcomer.status == Employment.Status.PENDING


def test_forged_payload_scores_nothing(bank, newcomer):
    attempt = attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue)
    drawn_ids = {d["q"] for d in attempt.drawn}
    other = Question.objects.exclude(pk__in=drawn_ids).first()
    forged = {str(other.pk): other.answer, "score": 100, "passed": True}
    forged.update({str(q): ["A", "B", "C", "D"] for q in drawn_ids})  # "tick everything"
    graded = attempt_submit(attempt=attempt, answers=forged)
    singles = Question.objects.filter(pk__in=drawn_ids).exclude(qtype="multiple").count()
    assert graded.attempt.score <= round(100 * (20 - singles) / 20) < 80
    assert not AttemptAnswer.objects.filter(attempt=attempt, question=other).exists()
    with pytest.raises(ValidationError, match="already"):
        attempt_submit(attempt=attempt, answers=right_answers(attempt))


def test_late_submission_scores_nothing(bank, newcomer):
    attempt = attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue)
    with time_machine.travel(timezone.now() + timedelta(minutes=45)):
        graded = attempt_submit(attempt=attempt, answers=right_answers(attempt))
    assert graded.attempt.score == 0 and not graded.attempt.passed


def test_attempt_limit_per_day(bank, newcomer):
    for _ in range(3):
        attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue)
    with pytest.raises(ValidationError, match="attempts"):
        attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue).pk


def test_employee_takes_the_exam_on_the_qr_page(client, bank, venues, newcomer):
    url = reverse("employee_exam", args=[venues["a"].signin_token])
    assert client.post(url, {"id_number": "11010519491231002X", "phone": "13900000002"}).status_code == 200
    client.post(url, {"action": "start"})
    attempt = Attempt.objects.get(person=newcomer.person)
    page = client.get(url).content.decode()
    assert "q_" in page and str(attempt.drawn[0]["q"]) in page
    data = {"action": "submit"}
    for qid, keys in right_answers(attempt).items():
        data[f"q_{qid}"] = keys
    result = client.post(url, data)
    assert result.status_code == 200 and "100" in result.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.status == Employment.Status.ACTIVE


def test_working_before_training_alert_and_manager_interview_task(bank, users, venues, newcomer):
    for back in range(3):
        day = timezone.localdate() - timedelta(days=back)
        SignIn.objects.bulk_create([SignIn(employment=newcomer, venue=venues["a"], person=newcomer.person, day=day,
                                           at=timezone.now(), before_training=True)])
    users["manager_a"].date_joined = timezone.now() - timedelta(days=40)
    users["manager_a"].save()
    r1 = training_check()
    assert r1["alerts_created"] == 1 and r1["interview_tasks"] == 1
    r2 = training_check()
    assert r2["alerts_created"] == 0 and r2["alerts_updated"] == 0 and r2["interview_tasks"] == 0
    assert Alert.objects.get(kind="working_before_training").venue == venues["a"]
    assert InterviewTask.objects.get(reason="no_prevention_training").venue == venues["a"]


def test_question_import_is_all_or_nothing(users, bank, city_officer):
    before = Question.objects.count()
    good = {"类别": "law", "题型": "单选", "题目": "禁毒法何时施行？", "a": "2008年", "b": "2010年", "答案": "A",
            "解析": "2008年6月1日"}
    bad = {**good, "答案": "E"}
    result = questions_import(rows=[good, bad], by=city_officer)
    assert result.created == 0 and result.errors[0][0] == 3
    assert Question.objects.count() == before
    assert questions_import(rows=[good], by=city_officer).created == 1


def test_reports_are_scoped_and_manager_exam(client_for, users, bank, venues, newcomer):
    attempt = attempt_start(paper=bank["onboarding"], person=newcomer.person, venue=newcomer.venue)
    attempt_submit(attempt=attempt, answers={})
    body = client_for(users["officer_a"]).get(reverse("training:reports")).content.decode()
    assert "越城KTV" in body
    assert "越城KTV" not in client_for(users["officer_b"]).get(reverse("training:reports")).content.decode()
    assert client_for(users["manager_a"]).get(reverse("training:reports")).status_code == 404
    assert client_for(users["manager_a"]).get(reverse("training:manager_exam")).status_code == 200
    assert client_for(users["officer_a"]).get(reverse("training:manager_exam")).status_code == 404


def test_import_page(client_for, users, bank, city_officer):
    csv = "类别,题型,题目,A,B,答案,解析\nlaw,判断,吸毒违法。,正确,错误,A,吸毒违法\n".encode()
    resp = client_for(city_officer).post(reverse("training:import"),
                                             {"file": SimpleUploadedFile("q.csv", csv, content_type="text/csv")})
    assert resp.status_code == 200 and Question.objects.filter(text="吸毒违法。").exists()


def test_exam_api_for_an_employee(bank, venues, newcomer):
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.get("/api/v1/exams/papers/").status_code == 200
    wrong = api.post("/api/v1/exams/attempts/", {"venue_token": venues["a"].signin_token,
                                                 "id_number": "11010519491231002X", "phone": "13900000009"},
                     format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "not_found"
    start = api.post("/api/v1/exams/attempts/", {"venue_token": venues["a"].signin_token,
                                                 "id_number": "11010519491231002X", "phone": "13900000002"},
                     format="json")
    assert start.status_code == 201
    data = start.json()
    assert len(data["questions"]) == 20 and "answer" not in str(data["questions"][0])
    attempt = Attempt.objects.get(pk=data["attempt"])
    forged = api.post(f"/api/v1/exams/attempts/{attempt.pk}/answers/",
                      {"token": "forged", "answers": right_answers(attempt)}, format="json")
    assert forged.status_code == 404
    done = api.post(f"/api/v1/exams/attempts/{attempt.pk}/answers/",
                    {"token": data["token"], "answers": right_answers(attempt)}, format="json")
    assert done.status_code == 200 and done.json()["passed"] is True
    again = api.post(f"/api/v1/exams/attempts/{attempt.pk}/answers/",
                     {"token": data["token"], "answers": right_answers(attempt)}, format="json")
    assert again.status_code == 400
