"""Property-based contract test: generated requests to the whole API never get a 500.

Schemathesis reads the OpenAPI document and generates requests — valid ones and ones that break
the schema — for every operation, sent through the WSGI app as an administrator (who may call
them all) and as an account manager (who is refused much, and sees only their own book). Each
must be answered with a status below 500. Each request is rolled back after it, so none
changes what the next one finds.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings

from guanxi.accounts.services import api_token_create
from guanxi.wsgi import application
from tests.conftest import Book, People

EXAMPLES = 10

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Calls straight into the WSGI app must not close the test's database connection at the
    end of each request (Django's own test client holds these signals off the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["admin", "rep_east"])
def test_no_generated_request_gets_a_server_error(
    people: People, book: Book, keep_connection: None, persona: str
) -> None:
    # Schemathesis's own pytest plugin does not run under pytest 9: drive Hypothesis directly.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    user = people.by_name(persona)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 140
    token = api_token_create(user=user, name="contract")[1]
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            # Each request in a savepoint rolled back after it, as each request has its own
            # transaction in production: a refused value (PostgreSQL's "out of range") must not
            # abort the test's transaction for the requests after it.
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.query} {case.body} → "
                f"{response.status_code}: "
                f"{response.text[:300]}"
            )

        check()
