"""The read audit: opening a customer, a contact or a 360 page, on a page or through the API,
and every export are recorded — who, what, how many rows, from where —, searchable by
administrators only, and kept ACCESS_LOG_DAYS days."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.core.access import purge_access
from guanxi.core.models import AccessEntry
from tests.conftest import Book, People, bearer_for, client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def entries() -> list[tuple[Any, ...]]:
    return list(
        AccessEntry.objects.order_by("id").values_list(
            "actor__username", "action", "model", "object_id", "rows"
        )
    )


def test_opening_a_customer_and_a_contact_is_recorded(people: People, book: Book) -> None:
    contact = ContactFactory(customer=book.east, name="李雷")
    page = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.1.2.3")
    page.force_login(people.rep_east)
    assert page.get(book.east.get_absolute_url()).status_code == 200
    assert page.get(f"/contacts/{contact.pk}/edit/").status_code == 200
    api = bearer_for(people.sup_east)
    api.get(f"/api/v1/customers/{book.east.pk}")
    api.get(f"/api/v1/customers/{book.east.pk}/360")
    assert entries() == [
        ("rep_east", "view", "customers.customer", str(book.east.pk), None),
        ("rep_east", "view", "customers.contact", str(contact.pk), None),
        ("sup_east", "view", "customers.customer", str(book.east.pk), None),
        ("sup_east", "view", "customers.customer", str(book.east.pk), None),
    ]
    first = AccessEntry.objects.order_by("id").first()
    assert (first.object_repr, first.address) == ("北京华信科技有限公司", "10.1.2.3")  # type: ignore[union-attr]
    # Refused reads leave no trace of a record the reader never saw.
    assert bearer_for(people.rep_west).get(f"/api/v1/customers/{book.east.pk}").status_code == 404
    assert AccessEntry.objects.count() == 4


def test_every_export_is_recorded_with_its_rows(people: People, book: Book) -> None:
    response = client_for(people.sup_east).get("/export/customers/?format=csv&level=ordinary")
    b"".join(response.streaming_content)
    xlsx = bearer_for(people.rep_east).get("/api/v1/exports/customers?format=xlsx")
    assert xlsx.status_code == 200
    report = client_for(people.admin).get("/analytics/reports/composition/?format=csv")
    b"".join(report.streaming_content)
    assert entries() == [
        ("sup_east", "export", "customers", "", 2),
        ("rep_east", "export", "customers", "", 1),
        ("admin", "export", "report:composition", "", entries()[2][4]),
    ]
    detail = AccessEntry.objects.order_by("id").first().detail  # type: ignore[union-attr]
    assert detail == "format=csv&level=ordinary"


def test_only_administrators_search_it(people: People, book: Book) -> None:
    client_for(people.rep_east).get(book.east.get_absolute_url())
    admin = client_for(people.admin, "zh-hans")
    page = admin.get("/audit/reads/?action=view")
    assert page.status_code == 200
    assert "北京华信科技有限公司" in page.content.decode() and "查看" in page.content.decode()
    body = bearer_for(people.admin).get(f"/api/v1/audit/reads?actor={people.rep_east.pk}").json()
    assert [(item["action"], item["object_repr"]) for item in body["items"]] == [
        ("view", "北京华信科技有限公司")
    ]
    bad = bearer_for(people.admin).get("/api/v1/audit/reads?action=peek")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "action"
    for name in ("sup_east", "rep_east", "executive", "service_east"):
        assert client_for(people.by_name(name)).get("/audit/reads/").status_code == 403, name
        assert bearer_for(people.by_name(name)).get("/api/v1/audit/reads").status_code == 403


def test_old_entries_are_forgotten(people: People, book: Book, settings: Any) -> None:
    settings.ACCESS_LOG_DAYS = 30
    client_for(people.rep_east).get(book.east.get_absolute_url())
    AccessEntry.objects.update(at=timezone.now() - timedelta(days=31))
    client_for(people.rep_east).get(book.east.get_absolute_url())
    assert purge_access() == 1
    assert AccessEntry.objects.count() == 1
