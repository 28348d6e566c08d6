"""Notices for the people who must act: alert dispatch and each step of a rectification order;
the unread counter in the navigation; nobody reads another user's notices."""

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from alerts.services import alert_dispatch
from inspections import services
from inspections.models import Inspection
from notices.models import Notice
from tests.inspections.test_services import photo


@pytest.fixture
def alert(venues):
    return Alert.objects.create(venue=venues["a"], kind="k", title="连续三天签到异常", last_raised_at=timezone.now())


def test_dispatch_to_a_station_notifies_its_officers_once(users, tree, alert):
    alert_dispatch(alert=alert, by=users["officer_a"], station=tree["station_a1"], note="请今晚核查")
    notice = Notice.objects.get()
    assert notice.user == users["officer_a1"] and "越城KTV" in notice.title and "请今晚核查" in notice.body
    assert notice.link == reverse("alerts:detail", args=[alert.pk])
    alert_dispatch(alert=alert, by=users["officer_a"], officer=users["officer_a1"])  # a re-dispatch is news again
    assert Notice.objects.filter(user=users["officer_a1"]).count() == 2
    assert not Notice.objects.exclude(user=users["officer_a1"]).exists()


def test_each_order_step_notifies_who_acts_next(users, venues):
    officer, manager = users["officer_a"], users["manager_a"]
    finding = services.inspection_record(
        venue=venues["a"], by=officer, type=Inspection.Type.SURPRISE, outcome=Inspection.Outcome.RECTIFICATION,
        departments=["narcotics"], findings=[services.FindingInput("消防通道堵塞", "medium")]).findings.get()
    order = services.rectification_issue(finding=finding, by=officer)
    assert list(Notice.objects.values_list("user__username", "kind")) == [("manager_a", "rectification_issued")]
    services.rectification_submit(order=order, by=manager, note="已清理", photos=[photo()])
    assert Notice.objects.filter(user=officer, kind="rectification_submitted").count() == 1
    services.rectification_reject(order=order, by=officer, reason="照片看不清")
    rejected = Notice.objects.get(user=manager, kind="rectification_rejected")
    assert "照片看不清" in rejected.body
    services.rectification_submit(order=order, by=manager, note="重新拍照", photos=[photo()])
    services.rectification_accept(order=order, by=officer)
    assert Notice.objects.filter(user=manager, kind="rectification_accepted").count() == 1
    assert Notice.objects.filter(user=officer).count() == 2
    assert not Notice.objects.exclude(user__in=[officer, manager]).exists()


def test_unread_counter_and_own_notices_only(client_for, users, tree, alert):
    alert_dispatch(alert=alert, by=users["officer_a"], station=tree["station_a1"])
    client = client_for(users["officer_a1"])
    page = client.get(reverse("notices:list"))
    assert 'class="unread-count"' in page.content.decode() and "连续三天签到异常" in page.content.decode()
    notice = Notice.objects.get()
    client_for(users["manager_a"]).post(reverse("notices:read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is None  # another user's POST changes nothing
    other = client_for(users["officer_b"]).get(reverse("notices:list"))
    assert "连续三天签到异常" not in other.content.decode()
    client = client_for(users["officer_a1"])
    client.post(reverse("notices:read_all"))
    assert 'class="unread-count"' not in client.get(reverse("notices:list")).content.decode()
