"""Learning from officers: precision per kind and month from outcomes, and dismissals whose
cause acts on the venue (manager's to-do; the same drop held back until records change)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertEvent
from alerts.selectors import alert_outcomes_by_month
from alerts.services import alert_dismiss, alert_handle, alert_raise
from staff.detector import KIND_SIGNIN, detect_signin_anomalies
from staff.dismissals import AWAY_DAYS, HOLD_DAYS, dismissals_explaining_drops
from staff.models import Employment, VenueDay
from staff.services import employee_register
from tests.conftest import FIXED_NOW
from tests.staff.conftest import make_id, make_phone

pytestmark = pytest.mark.django_db

ON = FIXED_NOW.date() - timedelta(days=1)  # yesterday on the tests' fixed clock


def weekly(d):
    return 28 if d.weekday() >= 4 else 20


def fill(venue, fn, days=90):
    VenueDay.objects.bulk_create([
        VenueDay(venue=venue, day=ON - timedelta(days=i), signed_in=fn(ON - timedelta(days=i))) for i in range(days)
    ])


def dropping(d):
    return 6 if (ON - d).days < 3 else weekly(d)


def signin_alert(venue):
    return Alert.objects.filter(venue=venue, kind=KIND_SIGNIN).order_by("-id").first()


def test_precision_per_kind_and_month_counts_outcomes(users, venues):
    officer = users["officer_a"]
    right = alert_raise(kind=KIND_SIGNIN, venue_id=venues["a"].pk, severity=2, title="a", evidence={})
    alert_handle(alert=right, by=officer, feedback="查获")
    wrong = alert_raise(kind=KIND_SIGNIN, venue_id=venues["a2"].pk, severity=2, title="b", evidence={})
    alert_dismiss(alert=wrong, by=officer, reason="员工已离职未登记", cause=Alert.DismissCause.STAFF_LIST)
    alert_raise(kind=KIND_SIGNIN, venue_id=venues["b"].pk, severity=2, title="c", evidence={})  # not yet judged
    rows = alert_outcomes_by_month(officer)
    assert len(rows) == 1
    r = rows[0]
    assert (r["confirmed"], r["dismissed"], r["staff_list"], r["closure"], r["precision"]) == (1, 1, 1, 0, 50)
    assert r["pending"] == 0  # venue b is outside officer_a's district
    assert alert_outcomes_by_month(users["officer_b"])[0]["pending"] == 1


def test_inbox_shows_precision_by_month(client_for, users, venues):
    a = alert_raise(kind=KIND_SIGNIN, venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    alert_dismiss(alert=a, by=users["officer_a"], reason="季节性停业", cause=Alert.DismissCause.CLOSURE)
    html = client_for(users["officer_a"]).get(reverse("alerts:inbox")).content.decode()
    assert "预警准确率" in html and "0%" in html


def test_dismissal_cause_is_recorded_in_history_and_must_be_known(users, venues):
    a = alert_raise(kind=KIND_SIGNIN, venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        alert_dismiss(alert=a, by=users["officer_a"], reason="r", cause="thresholds")
    alert_dismiss(alert=a, by=users["officer_a"], reason="三人已离职", cause=Alert.DismissCause.STAFF_LIST)
    a.refresh_from_db()
    assert a.dismiss_cause == "staff_list"
    assert a.events.get(action=AlertEvent.Action.DISMISSED).note.endswith("三人已离职")


def test_dismissal_form_posts_the_cause(client_for, users, venues):
    a = alert_raise(kind=KIND_SIGNIN, venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    client_for(users["officer_a"]).post(reverse("alerts:act", args=[a.pk, "dismiss"]),
                                        {"reason": "停业", "cause": "closure"})
    a.refresh_from_db()
    assert (a.status, a.dismiss_cause) == ("dismissed", "closure")


def test_staff_list_dismissal_holds_back_the_same_drop_until_the_staff_list_changes(users, venues, client_for):
    """1. The drop is raised. 2. An officer dismisses it: staff list out of date. 3. The next
    run holds the drop back and says so in the dismissed alert's history (once, however
    often it runs); the manager's to-do asks for the staff list. 4. The manager ends an
    employment: the next run raises the drop again and the to-do is gone."""
    venue = venues["a"]
    fill(venue, dropping)
    employment = employee_register(by=users["admin"], venue=venue, name="张三", id_number=make_id(7),
                                   phone=make_phone(7), position="服务员")
    assert detect_signin_anomalies(on=ON)[KIND_SIGNIN]["created"] == 1
    first = signin_alert(venue)
    alert_dismiss(alert=first, by=users["officer_a"], reason="名单上的人早走了", cause=Alert.DismissCause.STAFF_LIST)
    for _run in range(2):
        result = detect_signin_anomalies(on=ON)
        assert result["held_back"] == 1 and result[KIND_SIGNIN]["created"] == 0
    held = first.events.filter(action=AlertEvent.Action.HELD_BACK)
    assert held.count() == 1 and "越城KTV" in held.get().note
    page = client_for(users["manager_a"]).get(reverse("venues:detail", args=[venue.pk])).content.decode()
    assert "员工名单" in page and reverse("staff:list") in page

    Employment.objects.filter(pk=employment.pk).update(status=Employment.Status.LEFT, left_on=ON,
                                                       hired_on=ON - timedelta(days=200), updated_at=timezone.now())
    result = detect_signin_anomalies(on=ON)
    assert result["held_back"] == 0 and result[KIND_SIGNIN]["created"] == 1
    assert signin_alert(venue).pk != first.pk
    assert dismissals_explaining_drops(venue_ids=[venue.pk]) == {}


def test_closure_dismissal_lifts_when_a_closed_day_is_marked_and_never_holds_rises(users, venues):
    venue = venues["a"]
    fill(venue, dropping)
    detect_signin_anomalies(on=ON)
    alert_dismiss(alert=signin_alert(venue), by=users["officer_a"], reason="淡季歇业",
                  cause=Alert.DismissCause.CLOSURE)
    assert list(dismissals_explaining_drops()) == [venue.pk]
    VenueDay.objects.filter(venue=venue, day=ON - timedelta(days=40)).update(
        closed=True, closed_reason="淡季", updated_at=timezone.now())
    assert dismissals_explaining_drops() == {}


def test_other_causes_and_old_dismissals_hold_nothing_back(users, venues):
    venue = venues["a"]
    fill(venue, dropping)
    detect_signin_anomalies(on=ON)
    alert = signin_alert(venue)
    alert_dismiss(alert=alert, by=users["officer_a"], reason="员工团建", cause=Alert.DismissCause.OTHER)
    assert dismissals_explaining_drops() == {}
    Alert.objects.filter(pk=alert.pk).update(dismiss_cause=Alert.DismissCause.STAFF_LIST,
                                             closed_at=timezone.now() - timedelta(days=HOLD_DAYS + 1))
    assert dismissals_explaining_drops() == {}
    assert detect_signin_anomalies(on=ON)[KIND_SIGNIN]["created"] == 1


def test_staff_away_dismissal_holds_the_drop_back_for_a_fortnight_and_asks_the_manager_nothing(
        users, venues, client_for):
    """Staff gone home for the holiday while the venue stays open: no record to put right.
    The same drop is held back for AWAY_DAYS, the manager's to-do stays empty, the outcome is
    counted apart, and afterwards the drop is raised again."""
    venue = venues["a"]
    fill(venue, dropping)
    detect_signin_anomalies(on=ON)
    alert = signin_alert(venue)
    client_for(users["officer_a"]).post(reverse("alerts:act", args=[alert.pk, "dismiss"]),
                                        {"reason": "国庆员工回老家", "cause": "staff_away"})
    alert.refresh_from_db()
    assert (alert.status, alert.dismiss_cause) == ("dismissed", "staff_away")
    result = detect_signin_anomalies(on=ON)
    assert result["held_back"] == 1 and result[KIND_SIGNIN]["created"] == 0
    note = alert.events.get(action=AlertEvent.Action.HELD_BACK).note
    assert "员工节假日或季节性离岗" in note and "记录至今没有变化" not in note
    page = client_for(users["manager_a"]).get(reverse("venues:detail", args=[venue.pk])).content.decode()
    assert "核对员工名单" not in page and "登记停业日期" not in page
    row = alert_outcomes_by_month(users["officer_a"])[0]
    assert (row["dismissed"], row["staff_away"], row["staff_list"], row["closure"]) == (1, 1, 0, 0)
    html = client_for(users["officer_a"]).get(reverse("alerts:inbox")).content.decode()
    assert "其中员工节假日离岗" in html

    Alert.objects.filter(pk=alert.pk).update(closed_at=timezone.now() - timedelta(days=AWAY_DAYS + 1))
    assert dismissals_explaining_drops() == {}
    assert detect_signin_anomalies(on=ON)[KIND_SIGNIN]["created"] == 1
