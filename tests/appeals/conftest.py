"""A closed quarter to appeal: an inspection of venue A by officer_a (narcotics) on
2026-09-20 found a medium-severity problem; 2026Q3 was then frozen. Tests run on
2026-10-05, within the appeal window (15 days after 2026-09-30). ``decider`` is a second
narcotics officer of district A, who did not record the finding."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import make_user

SH = ZoneInfo("Asia/Shanghai")
Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def at(day: date, hour: int = 10) -> Any:
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=SH), tick=True)


@pytest.fixture
def decider(tree: dict[str, Any]) -> Any:
    return make_user("officer_a_n2", "police", tree["district_a"], "narcotics")


@pytest.fixture
def frozen(users: dict[str, Any], venues: dict[str, Any], decider: Any) -> Any:
    """Venue A's frozen 2026Q3 rating with one deduction from officer_a's finding."""
    from inspections.models import Inspection
    from inspections.services import FindingInput, inspection_record
    from ratings.models import Rating
    from ratings.services import ratings_close_period

    with at(date(2026, 9, 20)):
        inspection_record(venue=venues["a"], by=users["officer_a"], type=Inspection.Type.SURPRISE,
                          outcome=Inspection.Outcome.RECTIFICATION, departments=["narcotics"],
                          findings=[FindingInput("包厢内发现吸管", "medium")])
    with at(date(2026, 10, 1), 2):
        ratings_close_period(start=Q3[0], end=Q3[1])
    with at(date(2026, 10, 5)):
        yield Rating.objects.get(venue=venues["a"], period_start=Q3[0])


@pytest.fixture
def finding_line(frozen: Any) -> Any:
    return frozen.deductions.get(source_type="inspections.finding")
