"""Data-subject requests (PIPL/GDPR): find a person across the apps, hand over a ZIP, anonymise
or erase in one transaction with a log that survives; consents recorded and never edited."""

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from guanxi.core import subjects
from guanxi.core.audit import audit_create
from guanxi.core.models import AccessEntry, AuditEntry, PrivacyRequest
from guanxi.customers import services
from guanxi.customers.models import Consent, Contact, Customer, Interaction
from guanxi.orders.models import Order
from guanxi.sales.models import Opportunity
from guanxi.service.models import ServiceRequest
from tests.conftest import Book, People, bearer_for, client_for, post
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionFactory,
    OpportunityFactory,
    OrderFactory,
    ServiceRequestFactory,
)

pytestmark = pytest.mark.django_db

MOBILE = "13812341234"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def lina(people: People, book: Book) -> Contact:
    """A contact of rep_east's company customer, known across the apps."""
    contact = ContactFactory(
        customer=book.east, name="李娜", mobile=MOBILE, email="Lina@Example.com", notes="爱喝茶"
    )
    audit_create(actor=people.rep_east, instance=contact)
    InteractionFactory(customer=book.east, contact=contact, details="谈到孩子上学")
    InteractionFactory(customer=book.east, details="与别人的会议")  # not hers
    services.consent_record(
        actor=people.rep_east,
        customer=book.east,
        contact=contact,
        purpose="marketing_email",
        granted=True,
        source="form",
    )
    ServiceRequestFactory(requester_name="李女士", requester_phone=MOBILE)
    ServiceRequestFactory(requester_name="别人", requester_phone="13900000000")
    OpportunityFactory(contact_name="李娜", contact_email="lina@example.com")
    return contact


def counts(subject: subjects.Subject) -> dict[str, int]:
    return {row["key"]: row["count"] for row in subjects.summary(subject)}


class TestFinding:
    def test_every_app_reports_what_it_holds(self, people: People, lina: Contact) -> None:
        subject = subjects.subject_get(actor=people.admin, kind="contact", pk=lina.pk)
        assert counts(subject) == {
            "customers.contact": 1,
            "customers.interaction": 1,
            "customers.consent": 1,
            "sales.opportunity": 1,
            "service.servicerequest": 1,
        }

    def test_the_search_page_finds_by_mobile_email_or_name(
        self, people: People, lina: Contact
    ) -> None:
        admin = client_for(people.admin)
        for q in (MOBILE, "lina@example.com", "李娜"):
            page = admin.get("/privacy/", {"q": q}).content.decode()
            assert f'href="/privacy/contact/{lina.pk}/"' in page, q
        assert "No contact or individual customer matches “nobody”." in (
            admin.get("/privacy/", {"q": "nobody"}).content.decode()
        )
        found = bearer_for(people.admin).get("/api/v1/privacy/people", {"q": MOBILE}).json()
        assert found == [
            {"kind": "contact", "id": lina.pk, "name": "李娜", "customer": "北京华信科技有限公司"}
        ]

    def test_only_administrators(self, people: People, lina: Contact) -> None:
        for name in ("sup_east", "rep_east", "executive", "service_east"):
            user = people.by_name(name)
            assert client_for(user).get("/privacy/").status_code == 403
            assert client_for(user).get(f"/privacy/contact/{lina.pk}/").status_code == 403
            assert client_for(user).get(f"/privacy/contact/{lina.pk}/export/").status_code == 403
            api = bearer_for(user)
            assert api.get("/api/v1/privacy/people", {"q": "x"}).status_code == 403
            assert api.get(f"/api/v1/privacy/people/contact/{lina.pk}").status_code == 403
            forget = post(
                api,
                f"/api/v1/privacy/people/contact/{lina.pk}/forget",
                {"mode": "erase", "reason": "x"},
            )
            assert forget.status_code == 403
            assert api.get("/api/v1/privacy/requests").status_code == 403
        assert Client().get("/api/v1/privacy/requests").status_code == 401
        assert Contact.objects.get(pk=lina.pk).mobile == MOBILE

    def test_bad_starting_points(self, people: People, book: Book) -> None:
        api = bearer_for(people.admin)
        company = api.get(f"/api/v1/privacy/people/customer/{book.east.pk}")
        assert company.status_code == 422
        assert company.json()["errors"] == [
            {
                "field": "kind",
                "message": "A company is not a person: start from one of its contacts.",
            }
        ]
        assert api.get("/api/v1/privacy/people/order/1").status_code == 422
        assert api.get("/api/v1/privacy/people/contact/999999").status_code == 404
        assert client_for(people.admin).get(f"/privacy/customer/{book.east.pk}/").status_code == 404


class TestExport:
    def test_a_zip_of_json_and_csv_logged(self, people: People, lina: Contact) -> None:
        response = client_for(people.admin).get(f"/privacy/contact/{lina.pk}/export/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert sorted(archive.namelist()) == [
            "customers.consent.csv",
            "customers.contact.csv",
            "customers.interaction.csv",
            "sales.opportunity.csv",
            "service.servicerequest.csv",
            "subject.json",
        ]
        document = json.loads(archive.read("subject.json"))
        assert document["subject"] == {"record": "customers.contact", "id": lina.pk, "name": "李娜"}
        assert document["records"]["customers.contact"][0]["mobile"] == MOBILE
        assert document["records"]["service.servicerequest"][0]["requester_name"] == "李女士"
        contacts_csv = archive.read("customers.contact.csv").decode("utf-8-sig")
        assert contacts_csv.splitlines()[0].startswith("pk,customer_id,name,")
        assert MOBILE in contacts_csv
        log = PrivacyRequest.objects.get()
        assert (log.action, log.subject_model, log.subject_id, log.actor) == (
            "export",
            "customers.contact",
            str(lina.pk),
            people.admin,
        )
        assert log.counts["customers.interaction"] == 1
        assert AccessEntry.objects.filter(action="view", object_id=str(lina.pk)).exists()

    def test_the_api_export(self, people: People, lina: Contact) -> None:
        response = bearer_for(people.admin).get(f"/api/v1/privacy/people/contact/{lina.pk}/export")
        assert response.status_code == 200
        assert "subject.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


class TestForgetting:
    def test_anonymise_keeps_the_records_and_blanks_the_person(
        self, people: People, book: Book, lina: Contact
    ) -> None:
        admin = client_for(people.admin)
        page = admin.get(f"/privacy/contact/{lina.pk}/").content.decode()
        assert 'data-key="service.servicerequest"' in page
        done = admin.post(
            f"/privacy/contact/{lina.pk}/",
            {"mode": "anonymise", "reason": "本人 2026-12-01 邮件要求"},
            follow=True,
        )
        assert "5 records were anonymised or erased. The request is logged below." in (
            done.content.decode()
        )
        contact = Contact.objects.get(pk=lina.pk)
        assert (contact.name, contact.mobile, contact.email, contact.notes) == ("***", "", "", "")
        assert Interaction.objects.get(contact=contact).details == ""
        assert Interaction.objects.get(contact=None).details == "与别人的会议"
        assert ServiceRequest.objects.filter(requester_phone=MOBILE).count() == 0
        assert ServiceRequest.objects.filter(requester_phone="13900000000").count() == 1
        assert Opportunity.objects.get().contact_email == ""
        assert Consent.objects.get().granted is True
        entry = AuditEntry.objects.filter(model="customers.contact", object_id=str(lina.pk)).first()
        assert entry is not None and entry.object_repr == "[erased]"
        assert MOBILE not in json.dumps(entry.changes)
        log = PrivacyRequest.objects.get()
        assert (log.action, log.reason) == ("anonymise", "本人 2026-12-01 邮件要求")
        # The company and its own data are untouched.
        assert Customer.objects.get(pk=book.east.pk).phone == "010-88886666"

    def test_erase_an_individual_customer(self, people: People) -> None:
        person = CustomerFactory(
            name="王芳",
            kind=Customer.Kind.INDIVIDUAL,
            account_manager=people.rep_east,
            phone="13700001111",
            email="wf@example.com",
            address="上海市浦东新区世纪大道100号",
        )
        own = ContactFactory(customer=person, name="王芳", mobile="13700001111")
        InteractionFactory(customer=person, contact=own)
        order = OrderFactory(customer=person, delivery_address="上海市浦东新区世纪大道100号")
        response = post(
            bearer_for(people.admin),
            f"/api/v1/privacy/people/customer/{person.pk}/forget",
            {"mode": "erase", "reason": "Request of 2026-12-05"},
        )
        assert response.status_code == 200
        body = response.json()
        assert body["action"] == "erase"
        assert body["counts"] == {
            "customers.customer": 1,
            "customers.contact": 1,
            "customers.interaction": 1,
            "orders.order": 1,
        }
        customer = Customer.objects.get(pk=person.pk)
        assert (customer.name, customer.phone, customer.address) == ("***", "", "")
        assert "13700001111" not in customer.search_text
        assert not Contact.objects.filter(customer=person).exists()
        assert not Interaction.objects.filter(customer=person).exists()
        kept = Order.objects.get(pk=order.pk)
        assert (kept.total, kept.delivery_address) == (order.total, "")
        assert PrivacyRequest.objects.filter(action="erase", subject_id=str(person.pk)).exists()

    def test_a_reason_is_required(self, people: People, lina: Contact) -> None:
        response = post(
            bearer_for(people.admin, "zh-hans"),
            f"/api/v1/privacy/people/contact/{lina.pk}/forget",
            {"mode": "erase", "reason": "  "},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "reason", "message": "请说明原因，例如本人的请求及其日期。"}
        ]
        bad_mode = post(
            bearer_for(people.admin),
            f"/api/v1/privacy/people/contact/{lina.pk}/forget",
            {"mode": "shred", "reason": "x"},
        )
        assert bad_mode.status_code == 422
        assert Contact.objects.get(pk=lina.pk).mobile == MOBILE
        assert not PrivacyRequest.objects.exists()

    def test_all_or_nothing(self, people: People, lina: Contact) -> None:
        def broken(subject: subjects.Subject) -> list[subjects.Holding]:
            def fail(records: Any) -> int:
                raise RuntimeError("disk full")

            return [
                subjects.Holding(
                    key="zz.broken",
                    label="broken",
                    records=Contact.objects.filter(pk=lina.pk),
                    columns=["name"],
                    anonymise=fail,
                    order=999,
                )
            ]

        subjects.FINDERS.append(broken)
        try:
            subject = subjects.subject_get(actor=people.admin, kind="contact", pk=lina.pk)
            with pytest.raises(RuntimeError):
                subjects.forget(actor=people.admin, subject=subject, erase=False, reason="test")
        finally:
            subjects.FINDERS.remove(broken)
        assert Contact.objects.get(pk=lina.pk).mobile == MOBILE
        assert ServiceRequest.objects.filter(requester_phone=MOBILE).count() == 1
        assert not PrivacyRequest.objects.exists()


class TestConsents:
    def test_record_and_withdraw_on_the_page(self, people: People, lina: Contact) -> None:
        rep = client_for(people.rep_east)
        url = f"/contacts/{lina.pk}/consents/"
        assert rep.get(url).status_code == 200
        rep.post(url, {"purpose": "marketing_email", "granted": "", "source": "phone"})
        page = rep.get(url).content.decode()
        assert 'data-purpose="marketing_email"' in page
        state = lina.consents.order_by("-recorded_at", "-id").first()
        assert state is not None and state.granted is False and state.recorded_by == people.rep_east
        assert lina.consents.count() == 2  # the history stays

    def test_the_api_and_its_refusals(self, people: People, lina: Contact) -> None:
        url = f"/api/v1/contacts/{lina.pk}/consents"
        created = post(
            bearer_for(people.rep_east),
            url,
            {"purpose": "marketing_sms", "granted": True, "source": "in_person", "note": "展会"},
        )
        assert created.status_code == 201
        assert created.json()["purpose"] == "marketing_sms"
        history = bearer_for(people.rep_east).get(url).json()
        assert [c["purpose"] for c in history] == ["marketing_sms", "marketing_email"]
        bad = post(
            bearer_for(people.rep_east), url, {"purpose": "spam", "granted": True, "source": "x"}
        )
        assert bad.status_code == 422
        assert {e["field"] for e in bad.json()["errors"]} == {"purpose", "source"}
        assert bad.json()["errors"][0]["message"] == (
            "“spam” is not one of: marketing_email, marketing_sms, marketing_phone, surveys, "
            "profiling."
        )
        assert (
            post(
                bearer_for(people.rep_west),
                url,
                {"purpose": "surveys", "granted": True, "source": "api"},
            ).status_code
            == 404
        )
        assert (
            post(
                bearer_for(people.executive),
                url,
                {"purpose": "surveys", "granted": True, "source": "api"},
            ).status_code
            == 403
        )
        assert client_for(people.rep_west).get(f"/contacts/{lina.pk}/consents/").status_code == 404
        assert lina.consents.count() == 2

    def test_a_company_has_no_consents_of_its_own(self, people: People, book: Book) -> None:
        response = bearer_for(people.rep_east).get(f"/api/v1/customers/{book.east.pk}/consents")
        assert response.status_code == 422
        assert (
            client_for(people.rep_east).get(f"/customers/{book.east.pk}/consents/").status_code
            == 404
        )
