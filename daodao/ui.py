"""Extension points of the shared pages, so each app plugs in without editing them.

Apps register from their ``AppConfig.ready()``:

- ``nav(label, url_name, allowed, order)``: a navigation entry shown when ``allowed(user)``.
- ``dashboard_panel(template, context, order, per_user=False)``: a section of the home
  dashboard; ``context(request)`` returns the template context, or None to hide the panel.
  The police home caches the rendered panels per scope (the user's role, department and
  jurisdiction) unless ``per_user`` says the panel shows the reader's own things.
- ``venue_todo(template, context, order)``: one item of the manager's "today's to-do" at
  the top of the venue page (same contract as a venue panel; None when nothing is to do
  and nothing worth saying).
- ``venue_panel(template, context, order)``: a section of the venue detail page;
  ``context(request, venue)`` returns the context or None. The venue is already scoped.
- ``plaque_panel(template, context, order)``: a section of the public plaque page
  ``/r/<token>/``; ``context(rating)`` returns the context or None. Public: only what the
  venue chose to publish and outcomes, never police information.
- ``work(lines, order)``: lines of the police home's "today's work" list;
  ``lines(request, area)`` returns a list of ``WorkLine`` (empty when there is nothing to do
  or the user may not act). ``area`` is the district or station the officer narrowed to, or None.

Context functions must run a constant number of queries (no query per row).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavEntry:
    label: Any
    url_name: str
    allowed: Callable[[Any], bool]
    order: int


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[..., dict[str, Any] | None]
    order: int
    per_user: bool = False


@dataclass(frozen=True)
class WorkItem:
    """One named thing to act on: a sentence (venue, what, when) and the page where one acts."""

    text: str
    url: str
    late: bool = False


@dataclass(frozen=True)
class WorkLine:
    """A line of today's work: how many, a sentence, the filtered list behind the count, and
    the first few items by name so the officer can act in one click."""

    count: int
    text: str
    url: str
    items: tuple[WorkItem, ...] = ()
    urgent: bool = False


NAV: list[NavEntry] = []
DASHBOARD_PANELS: list[Panel] = []
VENUE_PANELS: list[Panel] = []
PLAQUE_PANELS: list[Panel] = []
WORK: list[tuple[int, Callable[..., list[WorkLine]]]] = []
# The manager's "today's to-do" (今日待办) at the top of the venue page: apps add their items
# with venue_todo() (staff: missing sign-ins; training: exams; pledges; inspections: orders).
VENUE_TO_DO_PANELS: list[Panel] = []


def nav(label: Any, url_name: str, allowed: Callable[[Any], bool], order: int = 50) -> None:
    NAV.append(NavEntry(label, url_name, allowed, order))
    NAV.sort(key=lambda e: e.order)


def dashboard_panel(template: str, context: Callable[..., dict[str, Any] | None], order: int = 50,
                    per_user: bool = False) -> None:
    DASHBOARD_PANELS.append(Panel(template, context, order, per_user))
    DASHBOARD_PANELS.sort(key=lambda p: p.order)


def venue_panel(template: str, context: Callable[..., dict[str, Any] | None], order: int = 50) -> None:
    VENUE_PANELS.append(Panel(template, context, order))
    VENUE_PANELS.sort(key=lambda p: p.order)


def plaque_panel(template: str, context: Callable[..., dict[str, Any] | None], order: int = 50) -> None:
    PLAQUE_PANELS.append(Panel(template, context, order))
    PLAQUE_PANELS.sort(key=lambda p: p.order)


def work(lines: Callable[..., list[WorkLine]], order: int = 50) -> None:
    WORK.append((order, lines))
    WORK.sort(key=lambda w: w[0])


def work_lines(request: Any, area: Any) -> list[WorkLine]:
    """Today's work from every app, in registration order; lines with nothing to do left out."""
    return [line for _, fn in WORK for line in fn(request, area) if line.count]


def venue_todo(template: str, context: Callable[..., dict[str, Any] | None], order: int = 50) -> None:
    VENUE_TO_DO_PANELS.append(Panel(template, context, order))
    VENUE_TO_DO_PANELS.sort(key=lambda p: p.order)


def render_panels(panels: list[Panel], *args: Any) -> list[dict[str, Any]]:
    """[{template, ctx}] for the panels that want to show."""
    shown = []
    for panel in panels:
        ctx = panel.context(*args)
        if ctx is not None:
            shown.append({"template": panel.template, "ctx": ctx})
    return shown
