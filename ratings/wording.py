"""What a deduction says, and to whom.

A venue sees every line of its rating as a sentence: the date, the rule, the points and
what happened, in words written for the venue. The record a line comes from (an alert, a
finding, an order) is police information: only police and administrators see it, as a
link. Some sources are police-only altogether (alerts: their titles and numbers are the
officers' working notes), so for them the venue never sees the stored description either,
only a fixed sentence — also for lines stored before descriptions were written this way.

The venue panel, the API and the quarterly notice all build their lines here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Deduction
from .rules import RULE_LABELS

# Source types whose records a venue must never see; their lines read VENUE_TEXT instead.
VENUE_TEXT = {
    "alert": gettext_lazy("Officers confirmed irregular employee sign-ins at the venue."),
}

SOURCE_LABELS = {
    "alert": gettext_lazy("Alert"),
    "manual_adjustment": gettext_lazy("Manual adjustment"),
    "venue": gettext_lazy("Venue"),
    "staff.employment": gettext_lazy("Employee"),
    "inspections.selfinspection": gettext_lazy("Self-inspection"),
    "inspections.finding": gettext_lazy("Finding"),
    "inspections.inspection": gettext_lazy("Inspection"),
    "inspections.rectificationorder": gettext_lazy("Rectification order"),
    "hairtests.hairtestround": gettext_lazy("Hair self-test round"),
}
SOURCE_URLS = {
    "alert": "alerts:detail",
    "staff.employment": "staff:detail",
    "inspections.inspection": "inspections:detail",
    "inspections.rectificationorder": "inspections:order",
    "hairtests.hairtestround": "hairtests:detail",
}


@dataclass(frozen=True)
class Line:
    occurred_on: Any
    rule_code: str
    rule: str
    points: Decimal
    text: str
    # Police only (None for everyone else): the record the line comes from.
    source: str | None = None
    source_url: str | None = None

    @property
    def sentence(self) -> str:
        """One line of the venue's notice."""
        if self.points >= 0:
            points = _("%(points)s points deducted") % {"points": self.points}
        else:
            points = _("%(points)s points added") % {"points": -self.points}
        return _("%(date)s %(rule)s: %(points)s. %(text)s") % {
            "date": date_format(self.occurred_on, "Y-m-d"), "rule": self.rule, "points": points,
            "text": self.text}


def venue_text(d: Deduction) -> str:
    fixed = VENUE_TEXT.get(d.source_type)
    return str(fixed) if fixed is not None else d.description


def deduction_lines(deductions: Iterable[Deduction], *, police: bool) -> list[Line]:
    lines = []
    for d in deductions:
        source = url = None
        if police:
            name = SOURCE_URLS.get(d.source_type)
            if name and d.source_id.isascii() and d.source_id.isdigit():
                try:
                    url = reverse(name, args=[int(d.source_id)])
                except NoReverseMatch:
                    url = None
            # What people read: the kind of record (a link where it has a page), never its
            # model label or number.
            label = SOURCE_LABELS.get(d.source_type) or gettext_lazy("Source record")
            source = _("Open the %(record)s") % {"record": label} if url else str(label)
        lines.append(Line(occurred_on=d.occurred_on, rule_code=d.rule_code,
                          rule=str(RULE_LABELS.get(d.rule_code, d.rule_code)), points=d.points,
                          text=d.description if police else venue_text(d), source=source, source_url=url))
    return lines
