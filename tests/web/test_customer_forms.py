"""Posting the customer, order, stock and import forms: what is saved and what is shown."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.catalog.models import StockItem
from guanxi.core.models import AuditEntry
from guanxi.customers.models import Contact, Customer
from guanxi.orders.models import Order
from guanxi.transfer.models import ImportJob
from tests.conftest import Book, People, client_for
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrderFactory,
    ProductFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db

BASE = {
    "name": "杭州云栖信息技术有限公司",
    "kind": "company",
    "level": "major",
    "lifecycle_stage": "potential",
    "status": "normal",
}


class TestCustomerForm:
    def test_it_creates_a_customer_and_opens_its_360(self, people: People) -> None:
        client = client_for(people.rep_east)
        response = client.post(
            "/customers/new/", {**BASE, "tags": "VIP，华东", "phone": "057188886666"}
        )
        customer = Customer.objects.get(name=BASE["name"])
        assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
        assert customer.phone == "0571-88886666"
        assert sorted(customer.tags.values_list("name", flat=True)) == ["VIP", "华东"]
        page = client.get(response["Location"]).content.decode()
        assert "杭州云栖信息技术有限公司" in page and "section-orders" in page

    def test_bad_values_show_on_their_fields_in_chinese(self, people: People) -> None:
        client = client_for(people.rep_east, language="zh-hans")
        response = client.post(
            "/customers/new/", {**BASE, "unified_social_credit_code": "91350100M000100Y44"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["unified_social_credit_code"] == [
            "该统一社会信用代码的校验位不正确。"
        ]
        assert not Customer.objects.exists()

    def test_a_duplicate_is_shown_and_can_be_created_anyway(
        self, people: People, book: Book
    ) -> None:
        client = client_for(people.rep_east)
        data = {**BASE, "name": "北京华信科技股份有限公司"}
        response = client.post("/customers/new/", data)
        assert response.status_code == 200
        assert response.context["duplicates"] == [(book.east, True)]
        assert f'href="/customers/{book.east.pk}/"' in response.content.decode()
        assert client.post("/customers/new/", {**data, "allow_duplicate": "on"}).status_code == 302
        assert Customer.objects.filter(name="北京华信科技股份有限公司").count() == 1

    def test_a_long_list_counts_up_to_the_cap(self, people: People, book: Book, settings) -> None:  # type: ignore[no-untyped-def]
        settings.API_COUNT_CAP = 2
        page = client_for(people.admin).get("/customers/").content.decode()
        assert '<span class="badge text-bg-light fw-normal" id="customer-count">2+</span>' in page

    def test_a_duplicate_in_another_book_is_named_not_linked(
        self, people: People, book: Book
    ) -> None:
        response = client_for(people.rep_west).post(
            "/customers/new/", {**BASE, "name": "北京华信科技股份有限公司"}
        )
        assert response.context["duplicates"] == [(book.east, False)]
        page = response.content.decode()
        assert book.east.code in page and f'href="/customers/{book.east.pk}/"' not in page

    def test_a_stale_edit_is_a_conflict_showing_what_changed(
        self, people: People, book: Book
    ) -> None:
        rep = client_for(people.rep_east)
        form = rep.get(f"/customers/{book.east.pk}/edit/").context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(tags="")
        # The supervisor saves first.
        supervisor_data = {**data, "satisfaction": "5"}
        assert (
            client_for(people.sup_east)
            .post(f"/customers/{book.east.pk}/edit/", supervisor_data)
            .status_code
            == 302
        )
        response = rep.post(f"/customers/{book.east.pk}/edit/", {**data, "level": "partner"})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="edit-conflict"' in page and "satisfaction" in page
        east = Customer.objects.get(pk=book.east.pk)
        assert (east.level, east.satisfaction, east.version) == ("ordinary", "5", 2)

    def test_archive_restore_and_reassign(self, people: People, book: Book) -> None:
        supervisor = client_for(people.sup_east)
        supervisor.post(f"/customers/{book.east.pk}/archive/")
        assert Customer.objects.get(pk=book.east.pk).archived_at is not None
        assert supervisor.get("/customers/").context["table"].paginator.count == 1
        supervisor.post(f"/customers/{book.east.pk}/restore/")
        assert Customer.objects.get(pk=book.east.pk).archived_at is None
        response = supervisor.post(
            "/customers/reassign/",
            {"customers": [book.east.pk, book.east2.pk], "account_manager": people.rep_east2.pk},
        )
        assert response.status_code == 302
        assert set(
            Customer.objects.filter(account_manager=people.rep_east2).values_list("pk", flat=True)
        ) == {
            book.east.pk,
            book.east2.pk,
        }
        assert AuditEntry.objects.filter(changes__has_key="account_manager").count() == 1

    def test_a_rep_cannot_reassign_or_archive(self, people: People, book: Book) -> None:
        rep = client_for(people.rep_east)
        assert rep.post(f"/customers/{book.east.pk}/archive/").status_code == 403
        assert rep.post("/customers/reassign/", {"customers": [book.east.pk]}).status_code == 403

    def test_merge_after_preview(self, people: People, book: Book) -> None:
        supervisor = client_for(people.sup_east)
        ContactFactory(customer=book.east2, name="赵六", is_primary=True)
        preview = supervisor.get(f"/customers/{book.east.pk}/merge/?source={book.east2.pk}")
        assert 'id="merge-preview"' in preview.content.decode()
        response = supervisor.post(
            f"/customers/{book.east.pk}/merge/", {"source": book.east2.pk, "confirm": "true"}
        )
        assert response.status_code == 302
        assert Contact.objects.get(name="赵六").customer_id == book.east.pk
        assert Customer.objects.get(pk=book.east2.pk).merged_into_id == book.east.pk


class TestContactsAndInteractions:
    def test_add_contact_and_interaction(self, people: People, book: Book) -> None:
        rep = client_for(people.rep_east)
        rep.post(
            f"/customers/{book.east.pk}/contacts/new/", {"name": "张三丰", "mobile": "13812345678"}
        )
        contact = Contact.objects.get(name="张三丰")
        assert contact.is_primary
        response = rep.post(
            f"/customers/{book.east.pk}/interactions/new/",
            {
                "occurred_at": "2026-11-20T10:00",
                "channel": "visit",
                "contact": contact.pk,
                "summary": "季度回访",
                "effective": "on",
            },
        )
        assert response.status_code == 302
        page = rep.get(f"/customers/{book.east.pk}/").content.decode()
        assert "季度回访" in page

    def test_delete_an_interaction(self, people: People, book: Book) -> None:
        from django.utils import timezone

        from guanxi.customers.models import Interaction

        interaction = InteractionFactory(
            customer=book.east, occurred_at=timezone.now(), channel="phone", summary="误记"
        )
        page = client_for(people.rep_east).get(f"/interactions/{interaction.pk}/").content.decode()
        assert f'action="/interactions/{interaction.pk}/delete/"' in page
        assert (
            client_for(people.rep_west).post(f"/interactions/{interaction.pk}/delete/").status_code
            == 404
        )
        assert (
            client_for(people.executive).post(f"/interactions/{interaction.pk}/delete/").status_code
            == 403
        )
        response = client_for(people.rep_east).post(f"/interactions/{interaction.pk}/delete/")
        assert response.status_code == 302
        assert not Interaction.objects.filter(pk=interaction.pk).exists()

    def test_a_bad_mobile_stays_on_the_form(self, people: People, book: Book) -> None:
        response = client_for(people.rep_east).post(
            f"/customers/{book.east.pk}/contacts/new/", {"name": "王五", "mobile": "123"}
        )
        assert response.context["form"].errors["mobile"] == [
            "Enter a mobile number of 11 digits starting with 13 to 19, such as 13812345678."
        ]


class TestOrdersAndStock:
    def test_an_order_total_is_the_sum_of_its_lines(self, people: People, book: Book) -> None:
        product = ProductFactory(price="2350.00")
        response = client_for(people.rep_east).post(
            "/orders/new/",
            {
                "customer_code": book.east.code,
                "order_date": "2026-11-01",
                "status": "confirmed",
                "lines-TOTAL_FORMS": "3",
                "lines-INITIAL_FORMS": "0",
                "lines-0-product": product.pk,
                "lines-0-quantity": "2",
                "lines-1-description": "安装调试",
                "lines-1-quantity": "1",
                "lines-1-unit_price": "3000",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        order = Order.objects.get()
        assert order.total == Decimal("7700.00")
        assert order.delivery_address == book.east.address

    def test_an_order_for_another_reps_customer_is_refused(
        self, people: People, book: Book
    ) -> None:
        response = client_for(people.rep_east).post(
            "/orders/new/",
            {
                "customer_code": book.west.code,
                "order_date": "2026-11-01",
                "status": "confirmed",
                "lines-TOTAL_FORMS": "0",
                "lines-INITIAL_FORMS": "0",
            },
        )
        assert response.context["form"].errors["customer_code"] == [
            f"No customer you may see has the code {book.west.code}."
        ]

    def test_status_moves_forward_only(self, people: People, book: Book) -> None:
        order = OrderFactory(number="SO9", customer=book.east, order_date="2026-01-01", total=1)
        rep = client_for(people.rep_east)
        rep.post(f"/orders/{order.pk}/edit/", {"status": "completed"})
        assert Order.objects.get(pk=order.pk).status == "confirmed"
        rep.post(f"/orders/{order.pk}/edit/", {"status": "shipped"})
        assert Order.objects.get(pk=order.pk).status == "shipped"

    def test_stock_never_goes_negative(self, people: People) -> None:
        product, warehouse = (
            ProductFactory(name="伺服电机", unit="台"),
            WarehouseFactory(name="上海仓"),
        )
        client = client_for(people.sup_east)
        data = {"product": product.pk, "warehouse": warehouse.pk, "location": "A-01"}
        client.post("/stock/adjust/", {**data, "delta": "5"})
        response = client.post("/stock/adjust/", {**data, "delta": "-8"})
        assert response.context["form"].errors["delta"] == [
            "Only 5 台 of 伺服电机 are at 上海仓 A-01; you cannot take 8."
        ]
        assert StockItem.objects.get().quantity == 5
        client.post("/stock/adjust/", {**data, "delta": "0", "notes": "靠窗，易受潮"})
        assert StockItem.objects.get().notes == "靠窗，易受潮"
        client.post("/stock/adjust/", {**data, "delta": "-1"})
        assert (StockItem.objects.get().quantity, StockItem.objects.get().notes) == (
            4,
            "靠窗，易受潮",
        )


class TestImportPages:
    def test_an_import_with_errors_reports_them_and_writes_nothing(
        self, people: People, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        client = client_for(people.sup_east)
        upload = SimpleUploadedFile(
            "book.csv", "客户名称,客户等级\n甲公司,大客户\n乙公司,VIP\n".encode(), "text/csv"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/imports/new/", {"kind": "customers", "file": upload})
        job = ImportJob.objects.get()
        assert response["Location"] == f"/imports/{job.pk}/"
        assert (job.state, job.progress, job.rows, job.created) == ("done", 100, 2, 0)
        assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "客户等级"
        assert not Customer.objects.exists()
        page = client.get(f"/imports/{job.pk}/").content.decode()
        assert 'id="import-failed"' in page
        csv = client.get(f"/imports/{job.pk}/errors.csv")
        text = b"".join(csv.streaming_content).decode("utf-8-sig")
        assert text.splitlines()[1].startswith("3,客户等级,")

    def test_a_wrong_file_type_is_refused(self, people: People) -> None:
        upload = SimpleUploadedFile("book.pdf", b"%PDF", "application/pdf")
        response = client_for(people.sup_east).post(
            "/imports/new/", {"kind": "customers", "file": upload}
        )
        assert response.context["form"].errors["file"] == ["Use a .csv or .xlsx file."]

    def test_export_is_scoped(self, people: People, book: Book) -> None:
        response = client_for(people.rep_east).get("/export/customers/?format=csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert book.east.name in text and book.west.name not in text
        assert len(text.strip().splitlines()) == 2


def test_a_running_import_shows_the_progress_its_worker_reported(people: People) -> None:
    from django.core.cache import cache

    from guanxi.transfer.services import progress_key

    job = ImportJob.objects.create(
        kind="customers", file_name="big.csv", started_by=people.sup_east, state="running"
    )
    cache.set(progress_key(job.pk), (42, 420000))
    page = client_for(people.sup_east).get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert 'aria-valuenow="42"' in text and 'id="import-rows">420000<' in text
    assert 'hx-trigger="every 1s"' in text
