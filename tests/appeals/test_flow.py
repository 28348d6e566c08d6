"""Appeals end to end and their rules: the window, one open appeal per rating, the officer
who recorded the facts cannot decide, the rating changes through an adjustment that
``ratings verify`` reproduces, and the public plaque shows the reply and the outcome."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, RatingReply
from audit.models import AuditEvent
from notices.models import Notice
from ratings.models import Deduction, ManualAdjustment, Rating
from tests.appeals.conftest import at
from tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def test_manager_appeals_a_deduction_officer_upholds_rating_changes_and_plaque_shows_reply(
        client_for: Any, users: Any, frozen: Rating, finding_line: Deduction, decider: Any) -> None:
    manager = users["manager_a"]
    # 1. The manager files the appeal on the page, against the finding's deduction, with a photo.
    client = client_for(manager)
    page = client.get(reverse("appeals:new", args=[frozen.pk]))
    assert page.status_code == 200 and "包厢内发现吸管" in page.content.decode()
    resp = client.post(reverse("appeals:new", args=[frozen.pk]), {
        "deduction": finding_line.pk, "reasons": "吸管是顾客遗留的饮料吸管，并非吸毒工具。",
        "attachments": [png_upload("receipt.png")]})
    appeal = Appeal.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("appeals:detail", args=[appeal.pk])
    assert appeal.status == "open" and appeal.contested_points == Decimal("3.00")
    assert appeal.decide_by == date(2026, 10, 25)
    assert appeal.attachments.count() == 1
    # The district's narcotics officers are told; the file is served to them, not to others.
    assert Notice.objects.filter(user=decider, kind="appeal_filed").exists()
    url = appeal.attachments.get().file.url
    assert client_for(decider).get(url).status_code == 200
    assert client_for(users["officer_b"]).get(url).status_code == 404
    assert client_for(users["assoc_a"]).get(url).status_code == 404

    # 2. The officer who recorded the finding sees the appeal but no decision form, and may not decide.
    recorder = client_for(users["officer_a"])
    page = recorder.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "另一名" in page and 'name="outcome"' not in page
    assert recorder.post(reverse("appeals:detail", args=[appeal.pk]),
                         {"outcome": "upheld", "reasons": "同意"}).status_code == 403

    # 3. Another narcotics officer of the district upholds it.
    officer = client_for(decider)
    assert 'name="outcome"' in officer.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    resp = officer.post(reverse("appeals:detail", args=[appeal.pk]),
                        {"outcome": "upheld", "points": "", "reasons": "现场照片显示为普通饮料吸管。"})
    assert resp.status_code == 302
    appeal.refresh_from_db()
    frozen.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.points_restored) == ("decided", "upheld", Decimal("3.00"))
    assert (appeal.score_before, appeal.score_after) == (Decimal("92.00"), Decimal("95.00"))
    assert frozen.score == Decimal("95.00") and frozen.is_final
    adj = ManualAdjustment.objects.get()
    assert appeal.adjustment == adj and adj.points == Decimal("-3.00") and adj.occurred_on == date(2026, 9, 30)
    assert frozen.deductions.filter(source_type="manual_adjustment", points=Decimal("-3.00")).exists()
    # The history shows the rating before and after on the appeal's page.
    page = officer.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "92.00" in page and "95.00" in page
    # 4. ``ratings verify`` reproduces the changed frozen score from the records.
    call_command("ratings", "verify", "--period", "2026Q3")
    assert Notice.objects.filter(user=users["manager_a"], kind="appeal_decided").exists()

    # 5. The manager publishes a reply; the public plaque shows it with the appeal's outcome.
    resp = client_for(manager).post(reverse("appeals:reply", args=[frozen.pk]),
                                    {"text": "我们已更换全部吸管并加强包厢巡查。"})
    assert resp.status_code == 302 and RatingReply.objects.get().rating == frozen
    client.logout()
    public = client.get(reverse("rating_plaque_public", args=[frozen.plaque_token])).content.decode()
    assert "我们已更换全部吸管并加强包厢巡查。" in public
    assert "维持申诉" in public or "申诉成立" in public
    assert "92.00" in public and "95.00" in public
    assert "顾客遗留" not in public  # the appeal's reasons stay between the venue and the police
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"appeal_file", "appeal_decide", "rating_adjustment", "rating_reply_publish"} <= actions


def test_partly_upheld_gives_back_some_points_and_rejected_changes_nothing(
        users: Any, frozen: Rating, finding_line: Deduction, decider: Any) -> None:
    appeal = services.appeal_file(by=users["manager_a"], rating=frozen, deduction=finding_line, reasons="不合理")
    with pytest.raises(ValidationError):  # partly = less than the whole deduction
        services.appeal_decide(appeal=appeal, by=decider, outcome="partly", points=Decimal(3), reasons="部分")
    with pytest.raises(ValidationError):
        services.appeal_decide(appeal=appeal, by=decider, outcome="rejected", points=Decimal(1), reasons="驳回")
    appeal.refresh_from_db()
    assert appeal.status == "open" and not ManualAdjustment.objects.exists()
    services.appeal_decide(appeal=appeal, by=decider, outcome="partly", points=Decimal("1.5"), reasons="部分成立")
    frozen.refresh_from_db()
    assert frozen.score == Decimal("93.50")
    call_command("ratings", "verify", "--period", "2026Q3")
    # A second appeal may follow a decided one; rejected leaves the score alone.
    second = services.appeal_file(by=users["manager_a"], rating=frozen, reasons="整体评分偏低")
    services.appeal_decide(appeal=second, by=decider, outcome="rejected", reasons="证据不足")
    frozen.refresh_from_db()
    second.refresh_from_db()
    assert frozen.score == Decimal("93.50") and second.score_after == Decimal("93.50")
    assert second.adjustment is None


def test_the_window_closes_fifteen_days_after_the_quarter(users: Any, frozen: Rating) -> None:
    with at(date(2026, 10, 15), 23):
        services.appeal_file(by=users["manager_a"], rating=frozen, reasons="最后一天")
    Appeal.objects.all().delete()
    with at(date(2026, 10, 16), 0), pytest.raises(ValidationError, match="2026-10-15"):
        services.appeal_file(by=users["manager_a"], rating=frozen, reasons="晚了")
    assert not Appeal.objects.exists()


def test_window_is_a_setting(users: Any, frozen: Rating, settings: Any) -> None:
    settings.DAODAO_APPEAL_WINDOW_DAYS = 3
    with pytest.raises(ValidationError, match="2026-10-03"):
        services.appeal_file(by=users["manager_a"], rating=frozen, reasons="晚了")


def test_one_open_appeal_per_rating(users: Any, frozen: Rating, finding_line: Deduction) -> None:
    services.appeal_file(by=users["manager_a"], rating=frozen, reasons="第一次")
    with pytest.raises(ValidationError, match="已有"):
        services.appeal_file(by=users["manager_a"], rating=frozen, deduction=finding_line, reasons="第二次")
    first = Appeal.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        Appeal.objects.create(rating=frozen, venue=frozen.venue, contested="x", contested_points=1, reasons="x",
                              filed_by=users["manager_a"], filed_at=first.filed_at, decide_by=first.decide_by,
                              score_before=frozen.score, tier_before=frozen.tier)


def test_only_the_venues_manager_files_and_only_on_a_frozen_rating(users: Any, frozen: Rating, venues: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.appeal_file(by=users["manager_a2"], rating=frozen, reasons="不是我的场所")
    with pytest.raises(PermissionDenied):
        services.appeal_file(by=users["officer_a"], rating=frozen, reasons="民警不能申诉")
    Rating.objects.filter(pk=frozen.pk).update(is_final=False)
    frozen.refresh_from_db()
    with pytest.raises(ValidationError):
        services.appeal_file(by=users["manager_a"], rating=frozen, reasons="尚未冻结")
    assert not Appeal.objects.exists()


def test_bad_input_is_refused_in_chinese_and_changes_nothing(client_for: Any, users: Any, frozen: Rating) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["manager_a"])
    resp = client.post(reverse("appeals:new", args=[frozen.pk]), {
        "reasons": "理由", "attachments": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]})
    assert resp.status_code == 200 and not Appeal.objects.exists()
    assert "x.png" in resp.content.decode()
    resp = client.post(reverse("appeals:new", args=[frozen.pk]), {"reasons": "   "})
    assert resp.status_code == 200 and not Appeal.objects.exists()


def test_the_recorder_of_the_facts_may_not_decide(users: Any, frozen: Rating, finding_line: Deduction,
                                                   decider: Any) -> None:
    appeal = services.appeal_file(by=users["manager_a"], rating=frozen, deduction=finding_line, reasons="不服")
    with pytest.raises(PermissionDenied, match="另一名"):
        services.appeal_decide(appeal=appeal, by=users["officer_a"], outcome="upheld", reasons="同意")
    with pytest.raises(PermissionDenied):  # public order, not narcotics
        services.appeal_decide(appeal=appeal, by=users["officer_a1"], outcome="upheld", reasons="同意")
    appeal.refresh_from_db()
    assert appeal.status == "open"
    # A whole-rating appeal: the recorder of any of its lines is out too.
    appeal.delete()
    whole = services.appeal_file(by=users["manager_a"], rating=frozen, reasons="整体不服")
    with pytest.raises(PermissionDenied):
        services.appeal_decide(appeal=whole, by=users["officer_a"], outcome="rejected", reasons="驳回")
    services.appeal_decide(appeal=whole, by=decider, outcome="rejected", reasons="驳回")
    with pytest.raises(ValidationError):  # decided once
        services.appeal_decide(appeal=whole, by=decider, outcome="upheld", points=Decimal(1), reasons="改判")


def test_overdue_appeal_is_on_the_officers_work_list(client_for: Any, users: Any, frozen: Rating,
                                                     decider: Any) -> None:
    services.appeal_file(by=users["manager_a"], rating=frozen, reasons="不服")
    home = client_for(decider).get("/").content.decode()
    assert "评级申诉待复核" in home and "越城KTV" in home and "逾期" not in home.split("评级申诉待复核")[1][:300]
    with at(date(2026, 10, 27)):
        home = client_for(decider).get("/").content.decode()
        assert "越城KTV" in home and "复核已逾期" in home
        # Not on the list of an officer of another district.
        assert "评级申诉待复核" not in client_for(users["officer_b"]).get("/").content.decode()


def test_the_manager_withdraws_an_open_appeal_and_may_appeal_again(client_for: Any, api_for: Any, users: Any,
                                                                   frozen: Rating, decider: Any) -> None:
    """Withdrawn: the rating unchanged, the officers told, off the work list, audited; the
    venue may appeal again within the window; nobody else may withdraw it, nor anything
    decided or withdrawn already."""
    appeal = services.appeal_file(by=users["manager_a"], rating=frozen, reasons="第一次")
    score = frozen.score
    for role in ("officer_a", "manager_a2", "officer_b"):
        response = client_for(users[role]).post(reverse("appeals:withdraw", args=[appeal.pk]))
        assert response.status_code in (302, 403, 404)
        assert Appeal.objects.get(pk=appeal.pk).status == "open", role
    manager = client_for(users["manager_a"])
    page = manager.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "撤回申诉" in page
    assert manager.post(reverse("appeals:withdraw", args=[appeal.pk])).status_code == 302
    appeal.refresh_from_db()
    frozen.refresh_from_db()
    assert appeal.status == "withdrawn" and appeal.withdrawn_at is not None and frozen.score == score
    assert AuditEvent.objects.filter(action="appeal_withdraw", target_id=str(appeal.pk)).exists()
    assert Notice.objects.filter(user=decider, kind="appeal_withdrawn").count() == 1
    assert "已撤回" in manager.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    with pytest.raises(ValidationError, match="已撤回"):
        services.appeal_withdraw(appeal=appeal, by=users["manager_a"])
    with pytest.raises(ValidationError):
        services.appeal_decide(appeal=appeal, by=decider, outcome="upheld", reasons="x")
    # Appealing again is allowed; the new appeal may be withdrawn through the API too.
    again = services.appeal_file(by=users["manager_a"], rating=frozen, reasons="第二次")
    assert api_for(users["officer_a"]).post(f"/api/v1/appeals/{again.pk}/withdraw/").status_code == 403
    response = api_for(users["manager_a"]).post(f"/api/v1/appeals/{again.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    listing = client_for(decider).get(reverse("appeals:list"), {"status": "withdrawn"})
    assert {a.pk for a in listing.context["page"]} == {appeal.pk, again.pk}
