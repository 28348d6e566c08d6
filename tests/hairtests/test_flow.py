"""A round end to end through the pages: the manager applies, the district narcotics office
schedules, the street's social worker samples and enters results; notices at each step,
one alert for the positive, every view of a result audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from audit.models import AuditEvent
from hairtests.models import HairTestResult, HairTestRound, HairTestSubject
from hairtests.services import KIND_POSITIVE, hairtest_positive_alert
from notices.models import Notice
from tests.conftest import png_upload

from .conftest import NAMES, client_as, subject_of

pytestmark = pytest.mark.django_db


def test_a_round_from_application_to_results(client_for, users, venues, staff_a):
    today = timezone.localdate()
    manager = client_as(users["manager_a"])
    page = manager.get(reverse("hairtests:apply", args=[venues["a"].pk]))
    assert page.status_code == 200 and NAMES[0] in page.content.decode()
    resp = manager.post(reverse("hairtests:apply", args=[venues["a"].pk]), {
        "everyone": "", "employments": [e.pk for e in staff_a],
        "preferred_from": (today + timedelta(days=2)).isoformat(),
        "preferred_until": (today + timedelta(days=9)).isoformat(), "note": "周三上午"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    rnd = HairTestRound.objects.get()
    assert rnd.status == "applied" and rnd.subjects.count() == 3
    assert Notice.objects.filter(user=users["officer_a"], kind="hairtest_applied").count() == 1
    # The social worker does not see an application until it is scheduled.
    assert client_as(users["social_a1"]).get(reverse("hairtests:detail", args=[rnd.pk])).status_code == 404

    officer = client_as(users["officer_a"])
    assert officer.post(reverse("hairtests:schedule", args=[rnd.pk]),
                        {"day": today.isoformat(), "note": "九点"}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == "scheduled" and rnd.scheduled_on == today and rnd.decided_by == users["officer_a"]
    assert Notice.objects.filter(user=users["manager_a"], kind="hairtest_scheduled").count() == 1
    assert Notice.objects.filter(user=users["social_a1"], kind="hairtest_to_sample").count() == 1

    worker = client_as(users["social_a1"])
    page = worker.get(reverse("hairtests:detail", args=[rnd.pk])).content.decode()
    assert 'name="consent"' in page and NAMES[2] in page
    for i, name in enumerate(NAMES[:2]):
        resp = worker.post(reverse("hairtests:sample", args=[subject_of(rnd, name).pk]),
                           {"sample_code": f"yc-{i}", "sampled_on": today.isoformat(), "consent": "on"})
        assert resp.status_code == 302
    assert subject_of(rnd, NAMES[0]).sample_code == "YC-0"
    worker.post(reverse("hairtests:not_tested", args=[subject_of(rnd, NAMES[2]).pk]), {"reason": "当天休假"})
    for name, outcome in ((NAMES[0], "positive"), (NAMES[1], "negative")):
        resp = worker.post(reverse("hairtests:result", args=[subject_of(rnd, name).pk]), {
            "outcome": outcome, "lab": "绍兴检测中心", "report_no": f"R-{outcome}", "report": png_upload("scan.png")})
        assert resp.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == "completed" and rnd.completed_at is not None
    assert HairTestResult.objects.filter(outcome="positive").count() == 1
    assert Notice.objects.filter(user=users["manager_a"], kind="hairtest_completed").count() == 1
    assert Notice.objects.filter(user=users["officer_a"], kind="hairtest_completed_office").count() == 1

    # One police alert for the venue, naming the round and the count, not the person.
    alert = Alert.objects.get(kind=KIND_POSITIVE)
    assert alert.venue == venues["a"] and alert.evidence["round"] == rnd.pk and alert.evidence["positives"] == 1
    assert NAMES[0] not in str(alert.evidence) + alert.title
    alert_page = officer.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert reverse("hairtests:detail", args=[rnd.pk]) in alert_page

    # The officer reads the results; the read is audited, once per view.
    before = AuditEvent.objects.filter(action="hairtest_result_view").count()
    page = officer.get(reverse("hairtests:detail", args=[rnd.pk])).content.decode()
    assert "阳性" in page or "Positive" in page
    assert AuditEvent.objects.filter(action="hairtest_result_view").count() == before + 1
    event = AuditEvent.objects.filter(action="hairtest_result_view").latest("id")
    assert event.actor == users["officer_a"] and event.target_id == str(rnd.pk) and len(event.detail["results"]) == 2
    # The scanned report: police only, audited.
    res = HairTestResult.objects.get(outcome="positive")
    assert officer.get(reverse("hairtests:report", args=[res.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="hairtest_report_view", actor=users["officer_a"]).count() == 1
    assert manager.get(reverse("hairtests:report", args=[res.pk])).status_code == 404
    assert worker.get(reverse("hairtests:report", args=[res.pk])).status_code == 404
    # Not through the shared media view, whoever asks.
    assert officer.get(res.report.url).status_code == 404


def test_the_alert_is_raised_once_per_round(users, scheduled):
    from hairtests import services

    for i, subject in enumerate(scheduled.subjects.all()[:2]):
        services.hairtest_sample(subject=subject, by=users["social_a1"], sample_code=f"A{i}",
                                 sampled_on=timezone.localdate(), consent=True)
        services.hairtest_result_record(subject=subject, by=users["social_a1"], outcome="positive", lab="实验室",
                                        report_no=f"R{i}", report=png_upload())
    alerts = Alert.objects.filter(kind=KIND_POSITIVE)
    assert alerts.count() == 1 and alerts.get().evidence["positives"] == 2
    # Raising again for the same round changes nothing.
    again = hairtest_positive_alert(rnd=scheduled)
    assert Alert.objects.filter(kind=KIND_POSITIVE).count() == 1 and again.raise_count == 2
    hairtest_positive_alert(rnd=scheduled)
    assert Alert.objects.get(kind=KIND_POSITIVE).raise_count == 2


def test_no_sample_without_consent_and_codes_are_unique(users, scheduled):
    from django.core.exceptions import ValidationError

    from hairtests import services

    first, second = list(scheduled.subjects.all()[:2])
    with pytest.raises(ValidationError):
        services.hairtest_sample(subject=first, by=users["social_a1"], sample_code="X1",
                                 sampled_on=timezone.localdate(), consent=False)
    services.hairtest_sample(subject=first, by=users["social_a1"], sample_code="X1",
                             sampled_on=timezone.localdate(), consent=True)
    with pytest.raises(ValidationError):
        services.hairtest_sample(subject=second, by=users["social_a1"], sample_code="x1",
                                 sampled_on=timezone.localdate(), consent=True)
    second.refresh_from_db()
    assert second.state == HairTestSubject.State.PENDING


def test_a_scanned_report_must_be_a_photo_or_pdf(client_for, users, scheduled):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hairtests import services

    subject = scheduled.subjects.first()
    services.hairtest_sample(subject=subject, by=users["social_a1"], sample_code="S1",
                             sampled_on=timezone.localdate(), consent=True)
    resp = client_as(users["social_a1"]).post(reverse("hairtests:result", args=[subject.pk]), {
        "outcome": "negative", "lab": "实验室", "report_no": "R1",
        "report": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", content_type="application/pdf")})
    assert resp.status_code == 302
    assert not HairTestResult.objects.exists()
    subject.refresh_from_db()
    assert subject.state == HairTestSubject.State.SAMPLED


def test_one_open_application_per_venue_and_decline(client_for, users, venues, applied):
    from django.core.exceptions import ValidationError

    from hairtests import services

    with pytest.raises(ValidationError):
        services.hairtest_apply(by=users["manager_a"], venue=venues["a"], employments=None,
                                preferred_from=timezone.localdate(), preferred_until=timezone.localdate())
    resp = client_as(users["officer_a"]).post(reverse("hairtests:decline", args=[applied.pk]), {"reason": "人数太少"})
    assert resp.status_code == 302
    applied.refresh_from_db()
    assert applied.status == "declined" and applied.decline_reason == "人数太少"
    assert Notice.objects.filter(user=users["manager_a"], kind="hairtest_declined").count() == 1


def test_only_the_narcotics_office_schedules(client_for, users, applied):
    # A public-order officer of a station reads the round but may not schedule it.
    assert client_as(users["officer_a1"]).get(reverse("hairtests:detail", args=[applied.pk])).status_code == 200
    resp = client_as(users["officer_a1"]).post(reverse("hairtests:schedule", args=[applied.pk]),
                                                {"day": timezone.localdate().isoformat()})
    assert resp.status_code == 404
    applied.refresh_from_db()
    assert applied.status == "applied"


def test_a_venue_without_a_street_cannot_be_scheduled(users, venues, applied):
    from django.core.exceptions import ValidationError

    from hairtests import services

    venues["a"].street = None
    venues["a"].save(update_fields=["street"])
    applied.venue.refresh_from_db()
    with pytest.raises(ValidationError):
        services.hairtest_schedule(rnd=applied, by=users["officer_a"], day=timezone.localdate())
