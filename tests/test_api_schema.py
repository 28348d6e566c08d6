"""The API against its own OpenAPI schema (schemathesis), for an officer and a manager.

Every operation of ``/api/schema/`` gets generated requests, valid ones and ones that break
the schema, sent in-process to the WSGI application (schemathesis' WSGI mode, in this
test's database transaction). Each response must not be a server error and must conform to
the schema: a documented status code, content type and body. Bounded and deterministic:
a few examples per operation and role, derandomised, no example database.
"""

import contextlib
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema() -> Any:
    from drf_spectacular.generators import SchemaGenerator

    from daodao.wsgi import application

    spec = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(spec)
    schema.app = application
    return schema


@pytest.fixture
def in_process_requests() -> Any:
    """Like Django's test client: a request's end must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["officer_a", "manager_a"])
def test_every_api_operation_answers_within_its_schema(role: str, users: Any, world: dict[str, Any],
                                                       in_process_requests: Any) -> None:
    token = Token.objects.create(user=users[role]).key
    headers = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    operations = [result.ok() for result in _schema().get_all_operations()]
    assert len(operations) >= 15

    def check(case: Any, label: str) -> None:
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # collect all, report once
            lines = str(exc).strip().splitlines()
            failures.append(f"{role} {label} {response.status_code}: {' | '.join(lines[:8])[:500]}")

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            # An operation without parameters or body has no negative case to generate.
            with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                _examples(strategy, check, f"{operation.label} [{mode.value}]")()

        # Generated ids are almost never real: read every real object too, so that what
        # the API returns for actual records (an inspection not yet carried out…) is checked.
        for method, template, params in REAL_READS:
            if operation.method.upper() == method and operation.path == template:
                check(operation.Case(path_parameters={"id": world[params].pk} if params else {}),
                      f"{operation.label} [real]")

    unique = sorted(set(failures))
    assert not unique, f"{len(unique)} schema failures:\n" + "\n".join(unique[:60])


def _examples(strategy: Any, check: Any, label: str) -> Any:
    @hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        check(case, label)

    return run


REAL_READS = [
    ("GET", "/api/v1/venues/", None), ("GET", "/api/v1/venues/{id}/", "venue"),
    ("GET", "/api/v1/alerts/", None), ("GET", "/api/v1/alerts/{id}/", "alert"),
    ("GET", "/api/v1/inspections/", None), ("GET", "/api/v1/inspections/{id}/", "inspection"),
    ("GET", "/api/v1/inspections/{id}/", "planned"),
    ("GET", "/api/v1/rectifications/", None), ("GET", "/api/v1/rectifications/{id}/", "order"),
    ("GET", "/api/v1/signins/", None), ("GET", "/api/v1/signins/{id}/", "signin"),
    ("GET", "/api/v1/ratings/", None), ("GET", "/api/v1/supervision/due/", None),
    ("GET", "/api/v1/exams/papers/", None),
]
