"""Imports and exports through /api/v1: the same services, rights and messages as the pages."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from guanxi.customers.models import Customer
from guanxi.transfer.models import ImportJob
from tests.conftest import Book, People, bearer_for

pytestmark = pytest.mark.django_db
CSV = (
    "客户名称,客户等级,电话,客户经理\n"
    "杭州云栖信息技术有限公司,大客户,0571-88886666,rep_east\n"
    "深圳南山电子有限公司,普通客户,13800138000,rep_east\n"
)


def upload(client: Any, name: str, text: str, **fields: Any) -> Any:
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post("/api/v1/imports", {"file": file, **fields})


class TestImport:
    def test_upload_run_and_follow(
        self, people: People, django_capture_on_commit_callbacks: Any
    ) -> None:
        api = bearer_for(people.rep_east)
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(api, "客户.csv", CSV, kind="customers")
        assert response.status_code == 202
        queued = response.json()
        assert (queued["kind"], queued["file_name"], queued["state"]) == (
            "customers",
            "客户.csv",
            "queued",
        )
        job = api.get(f"/api/v1/imports/{queued['id']}").json()
        assert (job["state"], job["progress"], job["rows"], job["created"], job["errors"]) == (
            "done",
            100,
            2,
            2,
            [],
        )
        assert job["started_by"] == people.rep_east.pk
        assert Customer.objects.get(name="杭州云栖信息技术有限公司").level == "major"
        listed = api.get("/api/v1/imports").json()
        assert (listed["count"], listed["items"][0]["id"]) == (1, queued["id"])

    def test_a_dry_run_with_a_bad_row_reports_and_writes_nothing(
        self, people: People, django_capture_on_commit_callbacks: Any
    ) -> None:
        api = bearer_for(people.rep_east, "zh-hans")
        text = CSV + "坏公司,VIP,123,rep_east\n"
        with django_capture_on_commit_callbacks(execute=True):
            queued = upload(api, "c.csv", text, kind="customers", dry_run="true").json()
        job = api.get(f"/api/v1/imports/{queued['id']}").json()
        assert (job["state"], job["dry_run"], job["created"], job["skipped"]) == (
            "done",
            True,
            0,
            3,
        )
        assert {(e["row"], e["column"]) for e in job["errors"]} == {(4, "客户等级"), (4, "电话")}
        assert not Customer.objects.exists()

    def test_bad_input(self, people: People) -> None:
        api = bearer_for(people.rep_east)
        response = upload(api, "c.txt", CSV, kind="customers")
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "file", "message": "Use a .csv or .xlsx file."}
        ]
        response = upload(api, "c.csv", CSV, kind="widgets")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "kind"
        response = api.post("/api/v1/imports", {"kind": "customers"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "file"
        assert not ImportJob.objects.exists()

    def test_the_wrong_user(self, people: People, django_capture_on_commit_callbacks: Any) -> None:
        for name in ("executive", "service_east"):
            response = upload(bearer_for(people.by_name(name)), "c.csv", CSV, kind="customers")
            assert response.status_code == 403, name
            assert bearer_for(people.by_name(name)).get("/api/v1/imports").status_code == 403
        # A rep may import customers but not products.
        response = upload(bearer_for(people.rep_east), "p.csv", "name\nx\n", kind="products")
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "You do not have permission to import this kind of data."
        )
        assert not ImportJob.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            job = upload(bearer_for(people.rep_east), "c.csv", CSV, kind="customers").json()
        # Another user's import is not found; administrators see every import.
        assert bearer_for(people.rep_west).get(f"/api/v1/imports/{job['id']}").status_code == 404
        assert bearer_for(people.rep_west).get("/api/v1/imports").json()["count"] == 0
        assert bearer_for(people.admin).get(f"/api/v1/imports/{job['id']}").status_code == 200

    def test_the_kinds_and_their_columns(self, people: People) -> None:
        kinds = bearer_for(people.rep_east, "zh-hans").get("/api/v1/imports/kinds").json()
        assert [kind["name"] for kind in kinds] == [
            "customers",
            "contacts",
            "products",
            "inventory",
            "orders",
        ]
        name = next(c for c in kinds[0]["columns"] if c["field"] == "name")
        assert (name["label"], name["required"]) == ("名称", True)
        assert "客户名称" in name["aliases"]
        assert "lifecycle_stage" not in [c["field"] for c in kinds[0]["columns"]]
        assert bearer_for(people.executive).get("/api/v1/imports/kinds").status_code == 403


class TestExport:
    def test_csv_of_what_the_reader_sees(self, people: People, book: Book) -> None:
        response = bearer_for(people.rep_east, "zh-hans").get("/api/v1/exports/customers")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        lines = text.strip().splitlines()
        assert lines[0].split(",")[:2] == ["编码", "名称"]
        assert len(lines) == 2 and "北京华信科技有限公司" in lines[1]

    def test_xlsx_with_the_list_filters(self, people: People, book: Book) -> None:
        Customer.objects.filter(pk=book.east2.pk).update(level="major")
        response = bearer_for(people.sup_east).get(
            "/api/v1/exports/customers?format=xlsx&level=major"
        )
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        sheet = load_workbook(io.BytesIO(content)).active
        names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert names == ["上海宏达贸易有限公司"]

    def test_bad_input(self, people: People, book: Book) -> None:
        api = bearer_for(people.rep_east)
        assert api.get("/api/v1/exports/widgets").status_code == 404
        response = api.get("/api/v1/exports/customers?format=pdf")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "format"
        response = api.get("/api/v1/exports/customers?level=galactic")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "level"

    def test_the_wrong_user(self, people: People, book: Book) -> None:
        # Every role may export, each only what it may see: another team's rep gets their own.
        response = bearer_for(people.rep_west).get("/api/v1/exports/customers")
        rows = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
        assert len(rows) == 2 and "广州恒通物流有限公司" in rows[1]
        assert Client().get("/api/v1/exports/customers").status_code == 401
