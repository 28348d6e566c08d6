"""Cancelling a planned inspection: only planned ones, with a reason, audited, in scope."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from inspections import services
from inspections.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(users, venues):
    return services.inspection_plan(venue=venues["a"], by=users["officer_a"], type="routine",
                                    planned_for=timezone.localdate() + timedelta(days=3))


def test_a_planned_inspection_is_cancelled_with_a_reason_and_audited(users, planned):
    done = services.inspection_cancel(inspection=planned, by=users["officer_a"], reason="场所停业装修")
    assert done.status == Inspection.Status.CANCELLED
    event = AuditEvent.objects.get(action="inspection_cancel")
    assert event.detail["reason"] == "场所停业装修" and event.actor == users["officer_a"]


def test_cancel_refuses_without_reason_twice_or_for_a_recorded_inspection(users, venues, planned):
    with pytest.raises(ValidationError):
        services.inspection_cancel(inspection=planned, by=users["officer_a"], reason="  ")
    services.inspection_cancel(inspection=planned, by=users["officer_a"], reason="重复安排")
    with pytest.raises(ValidationError):
        services.inspection_cancel(inspection=planned, by=users["officer_a"], reason="again")
    recorded = services.inspection_record(venue=venues["a"], by=users["officer_a"], type="routine",
                                          outcome="no_problem")
    with pytest.raises(ValidationError):
        services.inspection_cancel(inspection=recorded, by=users["officer_a"], reason="mistake")
    assert Inspection.objects.get(pk=recorded.pk).status == Inspection.Status.DONE
    assert AuditEvent.objects.filter(action="inspection_cancel").count() == 1


def test_managers_and_association_may_not_cancel(users, planned):
    for who in ("manager_a", "assoc_a"):
        with pytest.raises(PermissionDenied):
            services.inspection_cancel(inspection=planned, by=users[who], reason="x")
    assert Inspection.objects.get(pk=planned.pk).status == Inspection.Status.PLANNED


def test_cancel_page_in_scope_only(client_for, users, planned):
    url = reverse("inspections:cancel", args=[planned.pk])
    for outsider in ("officer_b", "manager_a", "assoc_a"):
        assert client_for(users[outsider]).post(url, {"reason": "x"}).status_code == 404
    assert client_for(users["officer_a"]).get(url).status_code == 405
    assert Inspection.objects.get(pk=planned.pk).status == Inspection.Status.PLANNED
    response = client_for(users["officer_a"]).post(url, {"reason": "场所停业"}, follow=True)
    assert Inspection.objects.get(pk=planned.pk).status == Inspection.Status.CANCELLED
    assert "越城KTV" in response.content.decode()
