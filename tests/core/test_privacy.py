"""Personal data masked for roles without "view personal data" (executives), the same on the
360 page, the API, exports and the service desk; a reveal shows it and is recorded; the wrong
user gets 404 and bad input a named error in both languages."""

import csv
import io
from typing import Any

import pytest
from django.test import Client

from guanxi.core.models import AccessEntry
from guanxi.core.privacy import mask
from guanxi.customers.models import Customer
from tests.conftest import Book, People, bearer_for, client_for, post
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    OpportunityFactory,
    ServiceRequestFactory,
)

pytestmark = pytest.mark.django_db

MOBILE = "13812341234"


@pytest.mark.parametrize(
    ("value", "kind", "masked"),
    [
        ("13812341234", "phone", "138****1234"),
        ("010-88886666", "phone", "010-****6666"),
        ("+86 138 1234 1234", "phone", "+86 1** **** 1234"),
        ("12345", "phone", "*****"),
        ("zhang.wei@example.com", "email", "z***@example.com"),
        ("北京市海淀区中关村大街1号", "address", "北京市海淀区****"),
        ("海淀区", "address", "****"),
        ("6222021234567890123", "number", "****0123"),
        ("1234", "number", "****"),
        ("", "phone", ""),
    ],
)
def test_masks(value: str, kind: str, masked: str) -> None:
    assert mask(value, kind) == masked


@pytest.fixture
def person(people: People) -> Customer:
    """An individual customer of rep_east, with a contact."""
    customer = CustomerFactory(
        name="李娜",
        kind=Customer.Kind.INDIVIDUAL,
        account_manager=people.rep_east,
        phone="010-88886666",
        email="lina@example.com",
        address="北京市海淀区中关村大街1号",
        bank_name="工商银行",
        bank_account="6222021234567890123",
    )
    ContactFactory(customer=customer, name="李娜", mobile=MOBILE, email="lina@example.com")
    return customer


class TestPages:
    def test_the_360_page_is_masked_for_an_executive(
        self, people: People, person: Customer
    ) -> None:
        page = client_for(people.executive).get(f"/customers/{person.pk}/").content.decode()
        for masked in ("138****1234", "010-****6666", "l***@example.com", "北京市海淀区****"):
            assert masked in page
        assert "****0123" in page
        for real in (MOBILE, "88886666", "lina@example.com", "中关村大街", "6222021234567890123"):
            assert real not in page
        assert page.count('class="btn btn-link btn-sm p-0 align-baseline reveal"') == 6

    def test_a_rep_sees_the_real_values(self, people: People, person: Customer) -> None:
        page = client_for(people.rep_east).get(f"/customers/{person.pk}/").content.decode()
        assert MOBILE in page and "6222021234567890123" in page and "中关村大街1号" in page
        assert "reveal" not in page

    def test_a_company_keeps_its_phone_visible(self, people: People, book: Book) -> None:
        page = client_for(people.executive).get(f"/customers/{book.east.pk}/").content.decode()
        assert "010-88886666" in page

    def test_a_reveal_shows_the_value_and_is_recorded(
        self, people: People, person: Customer
    ) -> None:
        contact = person.contacts.get()
        client = client_for(people.executive)
        response = client.post(f"/personal/contact/{contact.pk}/reveal/?field=mobile")
        assert response.status_code == 200
        assert response.content.decode().strip() == (
            f'<span class="personal revealed" data-field="mobile">{MOBILE}</span>'
        )
        entry = AccessEntry.objects.get(action=AccessEntry.Action.REVEAL)
        assert (entry.actor, entry.model, entry.object_id, entry.detail) == (
            people.executive,
            "customers.contact",
            str(contact.pk),
            "mobile",
        )
        shown = client.post(f"/personal/customer/{person.pk}/reveal/?field=bank_account")
        assert "6222021234567890123" in shown.content.decode()
        # The administrators see it under Who saw.
        reads = client_for(people.admin).get("/audit/reads/?action=reveal").content.decode()
        assert "Revealed personal data" in reads and "bank_account" in reads

    def test_the_wrong_user_and_bad_input(self, people: People, person: Customer) -> None:
        contact = person.contacts.get()
        url = f"/personal/contact/{contact.pk}/reveal/?field=mobile"
        assert client_for(people.rep_west).post(url).status_code == 404
        assert client_for(people.executive).get(url).status_code == 405
        assert Client().post(url).status_code == 302
        assert client_for(people.executive).post("/personal/widget/1/reveal/").status_code == 404
        bad = client_for(people.executive, "zh-hans").post(
            f"/personal/contact/{contact.pk}/reveal/?field=name"
        )
        assert bad.status_code == 400
        assert bad.content.decode() == "不是此记录的个人信息字段：name。"
        assert not AccessEntry.objects.filter(action=AccessEntry.Action.REVEAL).exists()

    def test_the_service_desk_masks_a_requester(self, people: People) -> None:
        sr = ServiceRequestFactory(
            requester_phone="13900001111", requester_email="caller@example.com"
        )
        page = client_for(people.executive).get(f"/service/{sr.pk}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "139****1111" in body and "13900001111" not in body
        assert "c***@example.com" in body


class TestApi:
    def test_customer_and_contacts_are_masked(self, people: People, person: Customer) -> None:
        api = bearer_for(people.executive)
        body = api.get(f"/api/v1/customers/{person.pk}").json()
        assert (body["phone"], body["email"], body["address"], body["bank_account"]) == (
            "010-****6666",
            "l***@example.com",
            "北京市海淀区****",
            "****0123",
        )
        assert body["masked"] == ["phone", "email", "address", "bank_account"]
        contacts = api.get(f"/api/v1/customers/{person.pk}/contacts").json()["items"]
        assert (contacts[0]["mobile"], contacts[0]["masked"]) == (
            "138****1234",
            ["mobile", "email"],
        )
        listed = api.get("/api/v1/customers?q=李娜").json()["items"][0]
        assert listed["phone"] == "010-****6666"
        profile = api.get(f"/api/v1/customers/{person.pk}/360").json()
        sections = profile["sections"]
        assert sections["profile"]["phone"] == "010-****6666"
        assert sections["contacts"]["items"][0]["mobile"] == "138****1234"

    def test_a_rep_gets_the_real_values(self, people: People, person: Customer) -> None:
        body = bearer_for(people.rep_east).get(f"/api/v1/customers/{person.pk}").json()
        assert body["phone"] == "010-88886666" and body["masked"] == []

    def test_reveal_through_the_api(self, people: People, person: Customer) -> None:
        api = bearer_for(people.executive)
        response = post(api, f"/api/v1/customers/{person.pk}/reveal", {"fields": ["phone"]})
        assert response.status_code == 200
        assert response.json() == {"phone": "010-88886666"}
        every = post(api, f"/api/v1/contacts/{person.contacts.get().pk}/reveal", {})
        assert every.json() == {"mobile": MOBILE, "email": "lina@example.com"}
        details = sorted(AccessEntry.objects.filter(action="reveal").values_list("model", "detail"))
        assert details == [("customers.contact", "mobile, email"), ("customers.customer", "phone")]
        # Someone who sees it anyway leaves no reveal behind.
        post(bearer_for(people.rep_east), f"/api/v1/customers/{person.pk}/reveal", {})
        assert AccessEntry.objects.filter(action="reveal").count() == 2

    def test_reveal_refusals(self, people: People, person: Customer) -> None:
        url = f"/api/v1/customers/{person.pk}/reveal"
        assert post(bearer_for(people.rep_west), url, {}).status_code == 404
        assert post(Client(), url, {}).status_code == 401
        bad = post(bearer_for(people.executive), url, {"fields": ["name", "code"]})
        assert bad.status_code == 422
        assert bad.json()["errors"] == [
            {"field": "fields", "message": "Not a personal field of this record: name, code."}
        ]

    def test_service_requests_are_masked(self, people: People) -> None:
        sr = ServiceRequestFactory(requester_phone="13900001111")
        response = bearer_for(people.executive).get(f"/api/v1/service-requests/{sr.pk}")
        assert response.status_code == 200
        assert response.json()["requester_phone"] == "139****1111"
        assert response.json()["masked"] == ["requester_phone"]


def export(client: Any, kind: str) -> list[list[str]]:
    response = client.get(f"/api/v1/exports/{kind}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


class TestExports:
    def test_exports_are_masked_for_an_executive(
        self, people: People, book: Book, person: Customer
    ) -> None:
        rows = export(bearer_for(people.executive, "en"), "customers")
        header = rows[0]
        by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        assert by_name["李娜"]["Phone"] == "010-****6666"
        assert by_name["李娜"]["Bank account"] == "****0123"
        assert by_name["北京华信科技有限公司"]["Phone"] == "010-88886666"
        contacts = export(bearer_for(people.executive, "en"), "contacts")
        assert "138****1234" in contacts[1] and MOBILE not in contacts[1]

    def test_a_rep_exports_the_real_values(self, people: People, person: Customer) -> None:
        contacts = export(bearer_for(people.rep_east), "contacts")
        assert MOBILE in contacts[1]


def test_a_leads_contact_is_masked_for_an_executive(people: People) -> None:
    lead = OpportunityFactory(contact_phone="13600002222", contact_email="lead@example.com")
    page = client_for(people.executive).get(f"/opportunities/{lead.pk}/").content.decode()
    assert "136****2222" in page and "13600002222" not in page
    body = bearer_for(people.executive).get(f"/api/v1/opportunities/{lead.pk}").json()
    assert (body["contact_phone"], body["contact_email"], body["masked"]) == (
        "136****2222",
        "l***@example.com",
        ["contact_phone", "contact_email"],
    )
    shown = client_for(people.executive).post(
        f"/personal/opportunity/{lead.pk}/reveal/?field=contact_phone"
    )
    assert "13600002222" in shown.content.decode()
    assert (
        bearer_for(people.admin).get(f"/api/v1/opportunities/{lead.pk}").json()["contact_phone"]
        == "13600002222"
    )
