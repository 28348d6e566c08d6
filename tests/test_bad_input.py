"""Bad input never reaches a 5xx: every URL pattern, every role, a fixed set of bad values.

In the spirit of the scoping tests: the resolver is walked, so a new page or endpoint is
covered the day it is added. For every pattern and every role of the shared ``users``
fixture (plus anonymous), the test sends

- GET with every known query parameter set to a bad value (one request per value),
- POST with every form field the page shows (and every query name) set to a bad value,
  plus junk in every file field,
- for API routes, a JSON body with every field of the OpenAPI schema set to a bad value,
  and a body nested too deeply for the JSON parser,
- the path with each parameter replaced by a bad value,

and collects every 5xx (or exception) to report them all at once. Objects in the path are
real (a venue, an alert, an inspection, a finding, an order… of district A), so the deeper
code runs too. Each request has its outcome asserted only as "not a server error": what a
clear 4xx says is covered by the tests of each app.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from tests.conftest import png_upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("accounts", "alerts", "appeals", "daodao", "hairtests", "inspections", "notices", "outreach",
                "pledges", "ratings", "staff", "training", "venues")

BAD_VALUES = [
    "²",  # str.isdigit() says yes, int() says no
    "\x00",  # PostgreSQL cannot store it
    "99999999999999999999",  # beyond bigint
    "-1",
    "x" * 300,  # longer than any column
    "2026-02-30",
    "=cmd|' /C calc'!A0",
]
BAD_PATH_INT = ["0", "99999999999999999999"]
BAD_PATH_STR = ["²", "\x00", "x" * 300, "..", "a\x00b"]
DEEP_JSON = "[" * 100_000 + "]" * 100_000

# Query parameters every view reads, found in the source, plus DRF's and django-filter's.
EXTRA_QUERY_NAMES = {"page", "ordering", "format", "q", "search", "limit", "offset", "next", "language"}
QUERY_NAME_RE = re.compile(r"""(?:GET|POST|query_params|data)(?:\.get|\.getlist)?\(\s*f?["']([a-z_]+)""")
FILTER_FIELDS_RE = re.compile(r"""filterset_fields\s*=\s*\[([^\]]*)\]""")
FORM_NAME_RE = re.compile(r"""<(?:input|select|textarea)[^>]*\bname="([^"]+)"[^>]*>""")
FILE_INPUT_RE = re.compile(r"""<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="file\"""")


def _query_names() -> list[str]:
    names = set(EXTRA_QUERY_NAMES)
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            names.update(QUERY_NAME_RE.findall(text))
            for fields in FILTER_FIELDS_RE.findall(text):
                names.update(re.findall(r"""["'](\w+)["']""", fields))
            names.update(re.findall(r"""^\s+(\w+) = django_filters\.""", text, re.M))
    return sorted(names)


def _patterns(patterns: Any = None, namespace: str = "") -> list[tuple[str, list[str], bool]]:
    """(url name, path parameter names, is_admin) of every named URL pattern."""
    out = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            out.extend(_patterns(p.url_patterns, ns))
        elif isinstance(p, URLPattern) and p.name:
            out.append((namespace + p.name, list(p.pattern.regex.groupindex), namespace.startswith("admin:")))
    return out


def _schema_fields() -> list[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    names: set[str] = set()
    for component in schema.get("components", {}).get("schemas", {}).values():
        names.update(component.get("properties", {}))
    return sorted(names)


def _pk_for(name: str, world: dict[str, Any]) -> int:
    """The real object a ``pk`` in this URL names."""
    by_name = {
        "inspections:detail": "inspection", "inspections:record": "inspection", "inspections:disclose": "inspection",
        "inspections:order_issue": "finding", "inspections:finding_address": "finding",
        "inspections:order": "order", "inspections:order_act": "order", "inspections:interview": "interview",
        "notices:read": "notice", "pledges:detail": "pledge", "api-exam-answers": "attempt",
        "hairtests:sample": "hair_subject", "hairtests:not_tested": "hair_subject", "hairtests:result": "hair_subject",
        "hairtests:report": "hair_result",
        "appeals:revisit_new": "venue",
    }
    by_prefix = {
        "venues:": "venue", "alerts:": "alert", "pledges:": "venue", "staff:": "employment", "ratings:": "venue",
        "venue-": "venue", "alert-": "alert", "inspection-": "inspection", "rectification-": "order",
        "admin:venues_venue": "venue", "hairtests:": "hair_round", "hairtest-round-": "hair_round",
        "hairtest-sample-": "hair_subject", "admin:hairtests_": "hair_round",
    }
    key = by_name.get(name) or next((v for k, v in by_prefix.items() if name.startswith(k)), None)
    return world[key].pk if key else 1


def _good_kwargs(name: str, params: list[str], world: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for p in params:
        if p in ("pk", "object_id"):
            values[p] = _pk_for(name, world)
        elif p == "venue_pk":
            values[p] = world["venue"].pk
        elif p == "token":
            values[p] = world["venue"].signin_token
        elif p == "action":
            values[p] = "submit" if name.startswith("inspections:") else "dispatch"
        elif p == "what":
            values[p] = "venues"
        elif p == "format":
            values[p] = "json"
        elif p == "path":
            values[p] = "pledges/signatures/none.png"
        elif p == "app_label":
            values[p] = "venues"
        else:
            values[p] = "1"
    return values


def _url(name: str, kwargs: dict[str, Any]) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


ROLES = ["anonymous", "officer_a", "officer_a1", "officer_b", "partner_a", "assoc_a", "manager_a", "manager_a2",
         "social_a1", "admin"]
# Django admin answers everyone but staff with a redirect to its login page; its deeper
# pages are walked by the roles that may enter.
ADMIN_ROLES = {"anonymous", "assoc_a", "admin"}


def _rotate(values: list[Any], role: str, n: int = 1) -> list[Any]:
    """The bad values this role sends: each role takes its own ``n``, so that across the
    roles every value reaches every route while each role stays a few requests per route."""
    start = ROLES.index(role) * n
    return [values[(start + k) % len(values)] for k in range(n)]


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_bad_input_with_a_server_error(role: str, users: Any, world: dict[str, Any]) -> None:
    query_names = _query_names()
    api_fields = _schema_fields()
    # Every role sends the superscript digit (the likeliest 500) and one more value of its own.
    values = [BAD_VALUES[0], *_rotate(BAD_VALUES[1:], role)]
    failures: list[str] = []
    client = Client(raise_request_exception=True)

    def send(method: str, url: str, **kw: Any) -> Any:
        try:
            response = getattr(client, method)(url, **kw)
        except Exception as exc:  # a view that raises is a 500 in production
            failures.append(f"{role} {method.upper()} {url[:120]!r}: {type(exc).__name__}: {str(exc)[:160]}")
            return None
        if response.status_code >= 500:
            failures.append(f"{role} {method.upper()} {url[:120]!r}: {response.status_code}")
        return response

    for name, params, is_admin in _patterns():
        if is_admin and role not in ADMIN_ROLES:
            continue
        if role != "anonymous":
            client.force_login(users[role])  # a POST to logout or a failed check may end the session
        good = _good_kwargs(name, params, world)
        url = _url(name, good)
        if url is None:
            continue
        # Admin pages are slow and Django's own: one value each.
        values = [BAD_VALUES[0], *_rotate(BAD_VALUES[1:], role)][: 1 if is_admin else 2]

        # 1. Bad query values (the page as it is, too: its form fields are the body's names).
        page = send("get", url)
        for value in values:
            send("get", url, data={n: value for n in query_names})
        html = page.content.decode(errors="replace") if page is not None and page.get("Content-Type", "").startswith(
            "text/html") else ""
        form_names = sorted(set(FORM_NAME_RE.findall(html)) - {"csrfmiddlewaretoken"})
        file_names = sorted({a or b for a, b in FILE_INPUT_RE.findall(html)})

        # 2. Bad form bodies; junk, then real images, in every file field.
        for value in values:
            send("post", url, data={n: value for n in [*form_names, *query_names]})
        if file_names:
            junk = {n: SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64) for n in file_names}
            send("post", url, data={**{n: values[0] for n in form_names if n not in junk}, **junk})
            real = {n: png_upload() for n in file_names}
            send("post", url, data={**{n: "1" for n in form_names if n not in real}, **real})

        # 3. API: JSON bodies of bad values, wrong types, and nesting too deep for the parser.
        if url.startswith("/api/"):
            for value in values:
                send("post", url, data=json.dumps({n: value for n in api_fields}), content_type="application/json")
            shape = _rotate([[values[0]], {"1": [1, 2]}, None, 10**30, True], role, 1)[0]
            send("patch", url, data=json.dumps({n: shape for n in api_fields}), content_type="application/json")
            send("post", url, data=DEEP_JSON, content_type="application/json")

        # 4. Bad path values, one parameter at a time.
        for p in params:
            if p == "format":
                continue
            for value in _rotate(BAD_PATH_INT if isinstance(good[p], int) else BAD_PATH_STR, role, 1):
                bad_url = _url(name, {**good, p: value})
                if bad_url is not None:
                    send("get", bad_url)
                    send("post", bad_url, data={n: "1" for n in form_names})

    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(sorted(set(failures))[:80])
