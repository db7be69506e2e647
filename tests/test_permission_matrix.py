"""The role × endpoint matrix, generated from the URL configuration and the OpenAPI document.

Every page (by URL name) and every API operation is called as each role — anonymous, an
executive, service staff, an account manager, a supervisor and an administrator — with the
path's ids filled from one small world of records (rep_east's customer, contact, order…), and
the status each gets is compared with ``tests/permission_matrix.json``. So:

* a new page or endpoint has no row yet and fails here until someone decides who may call it,
  regenerates the file (``GUANXI_WRITE_MATRIX=1 pytest tests/test_permission_matrix.py``) and
  reviews the diff with the change;
* a permission that changes by accident (a role that gets 200 where it got 403) fails here;
* no role gets a server error anywhere.

Pages answer GET; a POST-only page (405 to GET) is posted to with no data. API writes are sent
an empty JSON body, so most answer 422 for every role (the body is checked before the
permission); their wrong-user refusals are asserted in each module's own tests. Each write is
rolled back, so no call changes what the next finds.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from guanxi.accounts.services import api_token_create
from guanxi.api.main import api
from guanxi.core.models import DictItem
from guanxi.sales.models import Activity, PipelineStage
from guanxi.service.models import BusinessCalendar
from tests.conftest import Book, People
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OpportunityFactory,
    OrderFactory,
    ProductFactory,
    ServiceRequestFactory,
)

pytestmark = pytest.mark.django_db

MATRIX = Path(__file__).with_name("permission_matrix.json")
ROLES = ["anonymous", "executive", "service_east", "rep_east", "sup_east", "admin"]
MISSING = 999_999
# Public pages and machine endpoints with no role to check.
SKIPPED_PAGES = {"healthz", "api:openapi-json", "api:openapi-view"}


def _patterns(patterns: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for route, name in _patterns(pattern.url_patterns, prefix + str(pattern.pattern)):
                found.append((route, namespace + name if name else name))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((prefix + str(pattern.pattern), pattern.name))
    return found


def page_routes() -> dict[str, str]:
    """Every named page (the API has its own rows) by URL name."""
    return {
        name: route
        for route, name in _patterns(get_resolver().url_patterns)
        if not route.startswith("api/") and name not in SKIPPED_PAGES
    }


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    )


def world(people: People, book: Book) -> dict[str, Any]:
    """One record of each kind, rep_east's where it has an owner."""
    contact = ContactFactory(customer=book.east, name="李娜", mobile="13812341234")
    activity = Activity.objects.create(
        subject="回访", due_at=timezone.now(), assignee=people.rep_east, customer=book.east
    )
    calendar = BusinessCalendar.objects.first() or BusinessCalendar.objects.create(name="总部")
    return {
        "activity": activity.pk,
        "calendar": calendar.pk,
        "customer": book.east.pk,
        "contact": contact.pk,
        "interaction": InteractionFactory(customer=book.east, contact=contact).pk,
        "order": OrderFactory(customer=book.east).pk,
        "product": ProductFactory().pk,
        "opportunity": OpportunityFactory(customer=book.east).pk,
        "request": ServiceRequestFactory(customer=book.east).pk,
        "user": people.rep_east.pk,
        "team": people.east.pk,
        "stage": PipelineStage.objects.order_by("order").first().pk,  # type: ignore[union-attr]
        "dict_item": DictItem.objects.filter(category__code="customer_level").first().pk,  # type: ignore[union-attr]
    }


# A page's <pk> is the record its URL name starts with (longest prefix wins).
PAGE_RECORDS = {
    "user-": "user",
    "team-": "team",
    "dict-item-": "dict_item",
    "customer-": "customer",
    "contact-create": "customer",
    "interaction-create": "customer",
    "contact-": "contact",
    "interaction-": "interaction",
    "product-": "product",
    "order-": "order",
    "opportunity-": "opportunity",
    "plan-step-create": "opportunity",
    "service-request-": "request",
    "stage-edit": "stage",
    "activity-": "activity",
    "business-calendar-": "calendar",
    "calendar-day-add": "calendar",
    "privacy-": "contact",
    "personal-reveal": "contact",
}
PAGE_VALUES = {
    "code": "customer_level",
    "kind": "contact",
    "token": "no-such-token",
    "key": "contribution",
    "stage": "potential",
}
API_VALUES = {
    "customer_id": "customer",
    "contact_id": "contact",
    "interaction_id": "interaction",
    "order_id": "order",
    "product_id": "product",
    "opportunity_id": "opportunity",
    "request_id": "request",
    "user_id": "user",
    "team_id": "team",
    "subject_id": "contact",
    "activity_id": "activity",
    "calendar_id": "calendar",
    "item_id": "dict_item",
}


def page_url(name: str, route: str, records: dict[str, Any]) -> str:
    prefix = max((p for p in PAGE_RECORDS if name.startswith(p)), key=len, default=None)
    kind = "contacts" if name == "export" else PAGE_VALUES["kind"]

    def fill(match: re.Match[str]) -> str:
        converter, param = match.groups()
        if param == "pk":
            return str(records[PAGE_RECORDS[prefix]] if prefix else MISSING)
        if param == "team_pk":
            return str(records["team"])
        if param == "kind":
            return kind
        if converter == "int":
            return str(MISSING)
        return PAGE_VALUES.get(param, "x")

    return "/" + re.sub(r"<(\w+):(\w+)>", fill, route)


def api_url(path: str, records: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        param = match.group(1)
        if param in API_VALUES:
            return str(records[API_VALUES[param]])
        if param == "kind":
            return "customers" if path.startswith("/api/v1/exports/") else "contact"
        fixed = {"category": "customer_level", "key": "contribution", "stage": "potential"}
        return fixed.get(param, str(MISSING))

    return re.sub(r"\{(\w+)\}", fill, path)


def undone(request: Any) -> Any:
    """Send a write and roll it back, so no role's call changes what the next one finds."""
    with transaction.atomic():
        response = request()
        transaction.set_rollback(True)
    return response


def observe(people: People, book: Book) -> dict[str, dict[str, dict[str, int]]]:
    records = world(people, book)
    tokens = {
        name: api_token_create(user=people.by_name(name), name="matrix")[1]
        for name in ROLES
        if name != "anonymous"
    }
    pages: dict[str, dict[str, int]] = {}
    for name, route in sorted(page_routes().items()):
        url = page_url(name, route, records)
        row = {}
        for role in ROLES:
            client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
            if role != "anonymous":
                client.force_login(people.by_name(role))
            status = client.get(url).status_code
            if status == 405:
                status = undone(lambda client=client, url=url: client.post(url)).status_code
            row[role] = status
        pages[name] = row
    operations: dict[str, dict[str, int]] = {}
    for method, path in api_operations():
        url = api_url(path, records)
        row = {}
        for role in ROLES:
            headers = (
                {} if role == "anonymous" else {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"}
            )
            client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False, **headers)
            call = getattr(client, method.lower())
            if method == "GET":
                response = call(url)
            else:
                response = undone(
                    lambda call=call, url=url: call(url, "{}", content_type="application/json")
                )
            row[role] = response.status_code
        operations[f"{method} {path}"] = row
    return {"pages": pages, "api": operations}


def test_every_endpoint_answers_each_role_as_recorded(people: People, book: Book) -> None:
    observed = observe(people, book)
    if os.environ.get("GUANXI_WRITE_MATRIX"):
        MATRIX.write_text(json.dumps(observed, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    errors = [
        f"{kind} {endpoint} as {role}: {status}"
        for kind, rows in observed.items()
        for endpoint, row in rows.items()
        for role, status in row.items()
        if status >= 500
    ]
    assert errors == [], "server errors"
    recorded = json.loads(MATRIX.read_text())
    for kind in ("pages", "api"):
        new = sorted(set(observed[kind]) - set(recorded[kind]))
        assert new == [], (
            f"{kind} with no row in {MATRIX.name}: decide who may call them, regenerate with "
            "GUANXI_WRITE_MATRIX=1 and review the diff"
        )
        gone = sorted(set(recorded[kind]) - set(observed[kind]))
        assert gone == [], f"rows in {MATRIX.name} for {kind} that no longer exist"
        changed = {
            endpoint: {"recorded": recorded[kind][endpoint], "now": row}
            for endpoint, row in observed[kind].items()
            if row != recorded[kind][endpoint]
        }
        assert changed == {}, f"{kind} whose answers changed"


def test_the_matrix_refuses_what_roles_may_not_do() -> None:
    """Read the recorded matrix for the rules every role must keep, so a regenerated file
    cannot quietly record a hole."""
    recorded = json.loads(MATRIX.read_text())
    public_pages = {
        "login",
        "signin-code",
        "lead-form-public",
        "intake-form-public",
        "calendar-ics",
    }
    public_pages |= {"set-language", "logout"}
    for name, row in recorded["pages"].items():
        if name not in public_pages:
            assert row["anonymous"] in (302, 404, 405), f"page {name} open to anonymous"
    public_api = {"POST /api/v1/auth/tokens"}
    for endpoint, row in recorded["api"].items():
        if endpoint not in public_api and "/public/" not in endpoint:
            assert row["anonymous"] in (401, 404, 405, 422), f"{endpoint} open to anonymous"
    admin_only_pages = {
        "security",
        "privacy-search",
        "privacy-subject",
        "privacy-export",
        "audit-reads",
    }
    for name in admin_only_pages:
        row = recorded["pages"][name]
        assert row["admin"] == 200, name
        for role in ("executive", "service_east", "rep_east", "sup_east"):
            assert row[role] == 403, f"{name} as {role}"
    # Executives change nothing: no write answers them 2xx.
    for endpoint, row in recorded["api"].items():
        if not endpoint.startswith("GET ") and 200 <= row["executive"] < 300:
            assert endpoint in EXECUTIVE_WRITES, endpoint


# Writes an executive may make: their own tokens, second factor and notifications, reveals (a
# read that is recorded) and recomputed scores.
EXECUTIVE_WRITES = {
    "POST /api/v1/auth/tokens",
    "POST /api/v1/me/two-factor",
    "POST /api/v1/notifications/read",
    # Recomputing a customer's scores from the data changes no record of anyone's.
    "POST /api/v1/customers/{customer_id}/scores/refresh",
    "POST /api/v1/customers/{customer_id}/reveal",
    "POST /api/v1/contacts/{contact_id}/reveal",
}
