import pytest

from inspections.models import Checklist, ItemResult
from inspections.selectors import current_checklists
from inspections.services import ItemAnswer


@pytest.fixture
def checklists(db):
    return current_checklists()


def answers(checklist: Checklist, fail: set[int] = frozenset()) -> list[ItemAnswer]:
    return [ItemAnswer(item.pk, ItemResult.Result.FAIL if i in fail else ItemResult.Result.PASS)
            for i, item in enumerate(checklist.items.all())]


@pytest.fixture(autouse=True)
def _english_messages():
    """Service error messages are matched in English; the UI default is Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield
