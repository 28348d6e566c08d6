"""daodao/paginator.py: exact counts for ordinary lists; a large list's count kept briefly,
per query (so per scope and filter); the page's rows always live."""

import pytest
from django.core.cache import cache

from daodao import paginator
from daodao.paginator import LargeCountPaginator
from venues.models import Venue

pytestmark = pytest.mark.django_db


def _count(qs):
    return LargeCountPaginator(qs.order_by("pk"), 2).count


def test_small_lists_are_counted_exactly_every_time(venues, tree, monkeypatch):
    from tests.conftest import LICENCES, make_venue


    assert _count(Venue.objects.all()) == 3
    make_venue("新场所", tree["station_a1"], LICENCES[3])
    assert _count(Venue.objects.all()) == 4


@pytest.mark.parametrize("limits", [{"LARGE": 3}, {"SLOW": 0}])
def test_a_large_or_slow_lists_count_is_kept_per_query(venues, tree, monkeypatch, settings, limits):
    from tests.conftest import LICENCES, make_venue

    if "LARGE" in limits:
        monkeypatch.setattr(paginator, "LARGE", limits["LARGE"])
    else:
        settings.DAODAO_SLOW_COUNT_MS = limits["SLOW"]
    assert _count(Venue.objects.all()) == 3
    make_venue("新场所", tree["station_a1"], LICENCES[3])
    assert _count(Venue.objects.all()) == 3  # kept for a while
    assert _count(Venue.objects.filter(type="ktv")) == Venue.objects.filter(type="ktv").count()  # its own key
    page = LargeCountPaginator(Venue.objects.order_by("pk"), 2).get_page(2)
    assert [v.name for v in page] == [v.name for v in Venue.objects.order_by("pk")[2:4]]  # rows are live
    cache.clear()
    assert _count(Venue.objects.all()) == 4


def test_a_plain_list_is_counted_as_usual():
    assert LargeCountPaginator([1, 2, 3], 2).count == 3


def test_an_empty_queryset_of_a_reader_with_no_scope_counts_zero():
    """A role whose scope is nothing gets ``.none()``: it has no SQL to key on."""
    page = LargeCountPaginator(Venue.objects.none().order_by("pk"), 2).get_page(1)
    assert page.paginator.count == 0 and list(page) == []
