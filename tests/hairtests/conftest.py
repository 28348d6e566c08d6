from datetime import timedelta

import pytest
from django.utils import timezone

from hairtests import services
from staff.services import employee_register
from tests.staff.conftest import make_id, make_phone

NAMES = ["李秘密", "王阴性", "赵缺席"]


@pytest.fixture
def staff_a(users, venues):
    """Three current employees of venue A."""
    return [employee_register(by=users["admin"], venue=venues["a"], name=n, id_number=make_id(30 + i),
                              phone=make_phone(30 + i), position="服务员") for i, n in enumerate(NAMES)]


@pytest.fixture
def applied(users, venues, staff_a):
    today = timezone.localdate()
    return services.hairtest_apply(by=users["manager_a"], venue=venues["a"], employments=None,
                                   preferred_from=today + timedelta(days=3), preferred_until=today + timedelta(days=10),
                                   note="请安排周三上午")


@pytest.fixture
def scheduled(users, applied):
    return services.hairtest_schedule(rnd=applied, by=users["officer_a"], day=timezone.localdate(), note="上午九点")


def subject_of(rnd, name):
    return rnd.subjects.get(employment__person__name=name)


def client_as(user):
    """A test client of its own for ``user`` (``client_for`` shares one client between users)."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c
