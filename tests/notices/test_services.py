"""The notices app itself: sent once per user and key, e-mailed after commit to those with
an address, the outbox for late e-mail, read marks only by their owner, the list page."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from notices.services import NoticeSpec, notice_mark_read, notices_email_pending, notices_mark_all_read, notices_send

pytestmark = pytest.mark.django_db


def spec(user, key="k1", kind="test", title="整改期限已到"):
    return NoticeSpec(user_id=user.pk, dedupe_key=key, kind=kind, title=title, body="请处理", link="/inspections/")


@pytest.fixture
def mailable(users):
    users["officer_a"].email = "a@example.com"
    users["officer_a"].save()
    return users


def test_sent_once_per_user_and_key_and_mailed_after_commit(mailable, mailoutbox, django_capture_on_commit_callbacks):
    users = mailable
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_send(specs=[spec(users["officer_a"]), spec(users["officer_b"])]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_send(specs=[spec(users["officer_a"]), spec(users["officer_b"])]) == 0
    assert Notice.objects.count() == 2
    assert [m.to for m in mailoutbox] == [["a@example.com"]]  # officer_b has no address
    assert Notice.objects.get(user=users["officer_a"]).emailed
    assert not Notice.objects.get(user=users["officer_b"]).emailed


def test_nothing_is_mailed_when_the_transaction_rolls_back(mailable, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        notices_send(specs=[spec(mailable["officer_a"])])
        raise RuntimeError("the caller failed")
    assert callbacks == [] and mailoutbox == [] and not Notice.objects.exists()


def test_outbox_sends_pending_of_a_kind_once_and_skips_stale(mailable, mailoutbox):
    users = mailable
    notices_send(specs=[spec(users["officer_a"], "fresh", kind="rating_final"),
                        spec(users["officer_a"], "old", kind="rating_final"),
                        spec(users["officer_a"], "other", kind="other_kind")], email=False)
    Notice.objects.filter(dedupe_key="old").update(created_at=timezone.now() - timedelta(days=31))
    assert notices_email_pending(kind="rating_final") == 1
    assert notices_email_pending(kind="rating_final") == 0
    assert len(mailoutbox) == 1
    assert set(Notice.objects.filter(emailed=True).values_list("dedupe_key", flat=True)) == {"fresh"}


def test_only_the_owner_marks_read(users):
    notices_send(specs=[spec(users["officer_a"], "x"), spec(users["officer_a"], "y")], email=False)
    mine = Notice.objects.filter(user=users["officer_a"]).first()
    notice_mark_read(user_id=users["officer_b"].pk, notice_id=mine.pk)
    assert Notice.objects.get(pk=mine.pk).read_at is None
    notice_mark_read(user_id=users["officer_a"].pk, notice_id=mine.pk)
    assert Notice.objects.get(pk=mine.pk).read_at is not None
    assert notices_mark_all_read(user_id=users["officer_a"].pk) == 1
    assert notices_mark_all_read(user_id=users["officer_a"].pk) == 0


def test_list_page_and_read_redirect_stay_on_this_site(client_for, users):
    notices_send(specs=[spec(users["officer_a"], "x", title="甲的通知"),
                        spec(users["officer_b"], "y", title="乙的通知")], email=False)
    body = client_for(users["officer_a"]).get(reverse("notices:list")).content.decode()
    assert "甲的通知" in body and "乙的通知" not in body
    mine = Notice.objects.get(user=users["officer_a"])
    c = client_for(users["officer_a"])
    for nxt, expected in [("/inspections/", "/inspections/"), ("https://evil.example/", "/"), ("//evil", "/"),
                          ("alerts:inbox", "/")]:
        r = c.post(reverse("notices:read", args=[mine.pk]), {"next": nxt})
        assert (r.status_code, r["Location"]) == (302, expected)
    assert c.get(reverse("notices:read", args=[mine.pk])).status_code == 405
    assert client_for(users["officer_b"]).post(reverse("notices:read_all")).status_code == 302
    assert Notice.objects.get(pk=mine.pk).read_at is not None  # marked by its owner above, not by officer_b


def test_the_managers_venue_page_shows_the_newest_three_and_links_to_all(client_for, users, venues):
    manager = users["manager_a"]
    notices_send(specs=[NoticeSpec(user_id=manager.pk, dedupe_key=f"k{i}", kind="test", title=f"通知{i}",
                                   venue_id=venues["a"].pk) for i in range(5)], email=False)
    body = client_for(manager).get(reverse("venues:detail", args=[venues["a"].pk])).content.decode()
    assert sum(f"通知{i}" in body for i in range(5)) == 3
    assert "查看全部 5 条未读通知" in body and reverse("notices:list") in body


def test_list_page_is_paginated(client_for, users):
    notices_send(specs=[spec(users["officer_a"], f"p{i}", title=f"第{i:02d}条通知") for i in range(35)], email=False)
    c = client_for(users["officer_a"])
    first = c.get(reverse("notices:list")).content.decode()
    second = c.get(reverse("notices:list") + "?page=2").content.decode()
    assert first.count("条通知</strong>") == 30 and second.count("条通知</strong>") == 5
    assert "第 1 / 2 页" in first
