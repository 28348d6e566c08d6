"""The registry other apps plug their data into.

The rating engine never imports another app's models. Each app that owns data a rule
deducts for registers, from its AppConfig.ready():

- ``register_source(rule_code, label, fn)``: ``fn(venue_ids, start, end) -> Iterable[Fact]``
  returns every fact for ALL the given venues dated ``start <= occurred_on <= end`` in one
  or a few queries (never one per venue). A rule whose source is not registered
  contributes nothing and is shown as "no data source yet".
- ``register_inspection_history(fn)``: ``fn(venue_ids) -> {venue_id: date}`` of the last
  completed inspection (set-based). Optional ``undercover=True`` for the last undercover visit.
- ``register_plan_creator(fn)``: ``fn(*, venue, due_on, inspection_type, assignee, by)`` creates a
  planned inspection; without one, "plan these inspections" is hidden.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Fact:
    venue_id: int
    occurred_on: date
    units: Decimal | int
    source_type: str
    source_id: str
    description: str


SourceFn = Callable[[list[int], date, date], Iterable[Fact]]


@dataclass(frozen=True)
class Source:
    rule_code: str
    label: Any
    fn: SourceFn


SOURCES: dict[str, Source] = {}
HISTORY: dict[str, Callable[[list[int]], dict[int, date]]] = {}
PLAN_CREATORS: list[Callable[..., Any]] = []


def register_source(rule_code: str, label: Any, fn: SourceFn) -> None:
    SOURCES[rule_code] = Source(rule_code, label, fn)


def unregister_source(rule_code: str) -> None:
    SOURCES.pop(rule_code, None)


def register_inspection_history(fn: Callable[[list[int]], dict[int, date]], *, undercover: bool = False) -> None:
    HISTORY["undercover" if undercover else "any"] = fn


def unregister_inspection_history(*, undercover: bool = False) -> None:
    HISTORY.pop("undercover" if undercover else "any", None)


def register_plan_creator(fn: Callable[..., Any]) -> None:
    PLAN_CREATORS[:] = [fn]


def unregister_plan_creator() -> None:
    PLAN_CREATORS.clear()


def plan_creator() -> Callable[..., Any] | None:
    return PLAN_CREATORS[0] if PLAN_CREATORS else None


def last_inspections(venue_ids: list[int], *, undercover: bool = False) -> dict[int, date]:
    fn = HISTORY.get("undercover" if undercover else "any")
    return dict(fn(venue_ids)) if fn and venue_ids else {}


def facts_for(rule_code: str, venue_ids: list[int], start: date, end: date) -> list[Fact]:
    source = SOURCES.get(rule_code)
    if source is None or not venue_ids:
        return []
    return [f for f in source.fn(venue_ids, start, end) if start <= f.occurred_on <= end]
