"""The one scoping rule, seen from every role."""

import pytest

from venues.models import Venue

pytestmark = pytest.mark.django_db


def names(user):
    return set(Venue.objects.visible_to(user).values_list("name", flat=True))


def test_district_officer_sees_own_district_only(users, venues):
    assert names(users["officer_a"]) == {"越城KTV", "府山酒吧"}
    assert names(users["officer_b"]) == {"柯桥足浴"}


def test_station_officer_sees_only_own_station(users, venues):
    assert names(users["officer_a1"]) == {"越城KTV"}


def test_partner_and_association_see_their_area(users, venues):
    assert names(users["partner_a"]) == {"越城KTV", "府山酒吧"}
    assert names(users["assoc_a"]) == {"越城KTV", "府山酒吧"}


def test_manager_sees_only_own_venue(users, venues):
    assert names(users["manager_a"]) == {"越城KTV"}
    assert names(users["manager_a2"]) == {"府山酒吧"}


def test_admin_sees_everything(users, venues):
    assert names(users["admin"]) == {"越城KTV", "府山酒吧", "柯桥足浴"}


def test_inactive_user_sees_nothing(users, venues):
    officer = users["officer_a"]
    officer.is_active = False
    assert names(officer) == set()


def test_sibling_prefix_codes_do_not_leak(users, tree, venues):
    """'330602' must not match a node coded '3306021' (paths end with '/')."""
    from accounts.services import jurisdiction_create
    from tests.conftest import make_venue

    odd = jurisdiction_create(name="X区", code="3306021", level=3, parent=tree["city"])
    st = jurisdiction_create(name="X所", code="3306021001", level=4, parent=odd)
    make_venue("X场所", st, "91330602MA2BWWWW47")
    assert "X场所" not in names(users["officer_a"])
