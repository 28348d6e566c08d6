"""Every page a person reads is in plain Chinese: no internal keys, no record labels, no English.

The resolver is walked (as in ``test_bad_input``), so a page is covered the day it is added.
For every role of the shared ``users`` fixture and for an anonymous employee, every page
the role can reach (GET answers 200 with HTML) is rendered against a seeded world: one
object of each kind, plus the alerts of every detector with real evidence, a computed
rating with deductions and the ratings' notices. The visible text (tags, attributes,
scripts and styles removed) must hold:

- no snake_case key (``due_on``, ``employee_pledge_missing``),
- no ``app.model #id`` reference and no bare ``#204`` number standing for a record,
- no untranslated English word (a short allow-list of names people use as they are).

Django admin and the API are Django's and DRF's own screens; they are not walked here.
"""

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.test_bad_input import ROLES, _good_kwargs, _patterns, _url

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
RECORD_REF = re.compile(r"\b[a-z]+\.[a-z]+ ?#\d+|(?<![\w&])#\d+\b")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
# Words people use as they are in a Chinese interface.
ALLOWED = {"DaoDao", "KTV", "QR", "Excel", "CSV", "PDF", "ID", "API", "JSON", "English", "xlsx", "csv",
           "MP4", "WebM", "PNG", "JPEG", "GB", "MB", "KB", "OK", "http", "https", "www", "SVG", "Wi", "Fi",
           "IP", "am", "pm", "AM", "PM", "YYYY", "MM", "DD", "ACD"}


class _Text(HTMLParser):
    """The text a person reads: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "svg"):
            self._skip += 1
        # Options of the language menu name themselves in their own language.
        if tag == "select" and ("name", "language") in attrs:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg", "select") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems(text: str, data_words: tuple[str, ...] = ()) -> list[str]:
    # Account names are data people typed (the fixture's are ASCII), not interface words.
    for word in sorted(data_words, key=len, reverse=True):
        text = text.replace(word, " ")
    found = [f"key {m}" for m in SNAKE.findall(text)]
    found += [f"record {m}" for m in RECORD_REF.findall(text)]
    found += [f"English {w}" for w in ENGLISH_WORD.findall(text) if w not in ALLOWED]
    return found


@pytest.fixture
def seeded(world: dict[str, Any], users: dict[str, Any], venues: dict[str, Any]) -> dict[str, Any]:
    """The shared world plus what only jobs create: every detector's alert with real
    evidence, ratings with deductions from real records, and the managers' notices."""
    from alerts.services import alert_raise
    from ratings.services import adjustment_create, standings_refresh

    va = world["venue"]
    today = timezone.localdate()
    alert_raise(kind="working_before_training", venue_id=va.pk, severity=2, title="有员工未经培训上岗",
                evidence={"min_days": 3, "employees": [{"employment": world["employment"].pk, "days": 4}]})
    alert_raise(kind="pledge_missing", venue_id=va.pk, severity=2, title="责任状缺失",
                evidence={"venue_pledge_missing": True, "employees_missing": 1, "grace_days": 14})
    alert_raise(kind="rectification_overdue", venue_id=va.pk, severity=3, title="整改逾期",
                evidence={"orders": [{"order": world["order"].pk, "requirement": "清除吸管",
                                      "deadline": today.isoformat(), "days_overdue": 2}]})
    # As ratings.services.standings_refresh raises it.
    alert_raise(kind="inspection_behind", venue_id=va.pk, severity=2, title="检查逾期",
                evidence={"due_on": today.isoformat(), "tier": 2, "days_overdue": 5, "last_inspection_on": None})
    adjustment_create(by=users["officer_a"], venue=va, occurred_on=today, points=2, reason="演示扣分")
    standings_refresh(today=today)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_plain_chinese(role: str, users: Any, seeded: dict[str, Any], monkeypatch: Any) -> None:
    from alerts.kinds import KINDS

    # Kinds registered by other test modules (labelled in English, on purpose) are not the site's.
    for code in [c for c in KINDS if c.startswith("test")]:
        monkeypatch.delitem(KINDS, code)
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    from accounts.models import User
    from alerts.models import Alert

    data_words = tuple(w for u in User.objects.all() for w in (u.username, u.first_name, u.last_name) if w)
    failures: list[str] = []
    urls: list[str] = []
    seen = 0
    for name, params, is_admin in _patterns():
        if is_admin or name.startswith(("api", "admin")) or "-" in name or name in {"media", "javascript-catalog"}:
            continue
        url = _url(name, _good_kwargs(name, params, seeded))
        if url is not None:
            urls.append(url)
    # Every alert, not only the one the URL walk names: each kind has its own evidence.
    urls += [f"/alerts/{pk}/" for pk in Alert.objects.values_list("pk", flat=True)]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        seen += 1
        for problem in problems(visible_text(response.content.decode()), data_words)[:5]:
            failures.append(f"{role} {url}: {problem}")
    assert seen, f"{role} reached no page"
    assert not failures, "\n".join(failures)


def test_the_checker_catches_what_the_issue_lists() -> None:
    assert problems("due_on 2026-11-01")
    assert problems("来源 inspections.finding #3")
    assert problems("员工 #204 已签到")
    assert problems("Not Found")
    assert not problems("11月15日 检查发现：3号包厢垃圾桶内发现吸管和锡纸（严重） KTV")


def test_admin_sections_are_chinese(client_for: Any, users: Any) -> None:
    body = client_for(users["admin"]).get("/admin/").content.decode()
    assert "登录锁定" in body and "登录尝试记录" in body
    assert "Access attempts" not in body and ">Axes<" not in body
