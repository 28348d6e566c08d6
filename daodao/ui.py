"""Extension points of the shared pages, so each app plugs in without editing them.

Apps register from their ``AppConfig.ready()``:

- ``nav(label, url_name, allowed, order)``: a navigation entry shown when ``allowed(user)``.
- ``dashboard_panel(template, context, order)``: a section of the home dashboard;
  ``context(request)`` returns the template context, or None to hide the panel.
- ``venue_todo(template, context, order)``: one item of the manager's "today's to-do" at
  the top of the venue page (same contract as a venue panel; None when nothing is to do
  and nothing worth saying).
- ``venue_panel(template, context, order)``: a section of the venue detail page;
  ``context(request, venue)`` returns the context or None. The venue is already scoped.

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


NAV: list[NavEntry] = []
DASHBOARD_PANELS: list[Panel] = []
VENUE_PANELS: list[Panel] = []
VENUE_TODO: list[Panel] = []


def nav(label: Any, url_name: str, allowed: Callable[[Any], bool], order: int = 50) -> None:
    NAV.append(NavEntry(label, url_name, allowed, order))
    NAV.sort(key=lambda e: e.order)


def dashboard_panel(template: str, context: Callable[..., dict[str, Any] | None], order: int = 50) -> None:
    DASHBOARD_PANELS.append(Panel(template, context, order))
    DASHBOARD_PANELS.sort(key=lambda p: p.order)


def venue_panel(template: str, context: Callable[..., dict[str, Any] | None], order: int = 50) -> None:
    VENUE_PANELS.append(Panel(template, context, order))
    VENUE_PANELS.sort(key=lambda p: p.order)


def venue_todo(template: str, context: Callable[..., dict[str, Any] | None], order: int = 50) -> None:
    VENUE_TODO.append(Panel(template, context, order))
    VENUE_TODO.sort(key=lambda p: p.order)


def render_panels(panels: list[Panel], *args: Any) -> list[dict[str, Any]]:
    """[{template, ctx}] for the panels that want to show."""
    shown = []
    for panel in panels:
        ctx = panel.context(*args)
        if ctx is not None:
            shown.append({"template": panel.template, "ctx": ctx})
    return shown
