import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import Workbook

from guanxi.catalog.models import StockItem
from guanxi.cli import main
from guanxi.core.models import AuditEntry
from guanxi.customers.models import Contact, Customer
from guanxi.orders.models import Order
from guanxi.transfer.engine import ImportOptions
from guanxi.transfer.services import import_file
from tests.conftest import Book, People
from tests.factories import CustomerFactory, ProductFactory, WarehouseFactory

CUSTOMERS_ZH = """客户编号,客户名称,客户等级,地区,电话,邮箱,统一社会信用代码,客户经理,标签
,杭州云栖信息技术有限公司,大客户,浙江,0571-88886666,info@yunqi.cn,91350100M000100Y43,rep_east,"VIP,华东"
,深圳南山电子有限公司,普通客户,广东,13800138000,,,rep_east,
"""


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def run(user, kind, path, **options):  # type: ignore[no-untyped-def]
    return import_file(actor=user, kind=kind, path=path, options=ImportOptions(**options))


@pytest.mark.django_db
class TestCustomerImport:
    def test_it_imports_chinese_headers_labels_and_tags(
        self, people: People, tmp_path: Path
    ) -> None:
        result = run(people.sup_east, "customers", write(tmp_path, "c.csv", CUSTOMERS_ZH))
        assert result.as_dict() | {"warnings": []} == {
            "created": 2,
            "updated": 0,
            "skipped": 0,
            "errors": [],
            "warnings": [],
            "rows": 2,
            "dry_run": False,
            "written": True,
        }
        yunqi = Customer.objects.get(name="杭州云栖信息技术有限公司")
        assert (yunqi.level, yunqi.region, yunqi.phone) == ("major", "zhejiang", "0571-88886666")
        assert yunqi.account_manager == people.rep_east
        assert sorted(yunqi.tags.values_list("name", flat=True)) == ["VIP", "华东"]
        assert yunqi.code.startswith("C") and "yqxxjs" in yunqi.search_text

    def test_one_bad_row_means_nothing_is_written(self, people: People, tmp_path: Path) -> None:
        text = CUSTOMERS_ZH + ",坏公司,VIP,火星,123,not-mail,,,\n"
        result = run(people.sup_east, "customers", write(tmp_path, "c.csv", text))
        assert result.created == 0 and result.skipped == 3 and not result.written
        assert {(e["row"], e["column"]) for e in result.errors} == {
            (4, "客户等级"),
            (4, "地区"),
            (4, "电话"),
            (4, "邮箱"),
        }
        assert not Customer.objects.exists()

    def test_skip_bad_rows_imports_the_rest(self, people: People, tmp_path: Path) -> None:
        text = CUSTOMERS_ZH + ",坏公司,VIP,,,,,,\n"
        result = run(
            people.sup_east, "customers", write(tmp_path, "c.csv", text), skip_bad_rows=True
        )
        assert (result.created, result.skipped, len(result.errors)) == (2, 1, 1)
        assert result.errors[0]["row"] == 4
        assert Customer.objects.count() == 2

    def test_a_dry_run_counts_but_changes_nothing(self, people: People, tmp_path: Path) -> None:
        result = run(
            people.sup_east, "customers", write(tmp_path, "c.csv", CUSTOMERS_ZH), dry_run=True
        )
        assert (result.created, result.dry_run, result.written) == (2, True, False)
        assert not Customer.objects.exists()

    def test_reimport_upserts_by_code(self, people: People, book: Book, tmp_path: Path) -> None:
        text = f"code,name,satisfaction,phone\n{book.east.code},,5,\n"
        result = run(people.rep_east, "customers", write(tmp_path, "c.csv", text))
        assert (result.created, result.updated) == (0, 1)
        east = Customer.objects.get(pk=book.east.pk)
        # Empty cells leave values alone.
        assert (east.name, east.satisfaction, east.phone) == (
            "北京华信科技有限公司",
            "5",
            "010-88886666",
        )
        assert east.version == 2
        entry = AuditEntry.objects.get(object_id=str(east.pk), action="update")
        assert entry.changes["satisfaction"] == ["", "5"]

    def test_archived_and_merged_customers_are_refused(
        self, people: People, book: Book, tmp_path: Path
    ) -> None:
        from guanxi.customers import services

        services.customer_archive(actor=people.admin, customer=book.east2)
        services.customer_merge(actor=people.admin, target=book.east, source=book.west)
        text = f"code,name,satisfaction\n{book.east2.code},x,5\n{book.west.code},y,5\n"
        result = run(people.admin, "customers", write(tmp_path, "c.csv", text))
        assert result.errors == [
            {
                "row": 2,
                "column": "code",
                "message": f"The customer {book.east2.code} is archived: restore it first.",
            },
            {
                "row": 3,
                "column": "code",
                "message": f"The customer {book.west.code} was merged into {book.east.name}.",
            },
        ]
        assert not Customer.objects.filter(satisfaction="5").exists()

    def test_a_new_manager_needs_the_reassign_permission(
        self, people: People, book: Book, tmp_path: Path
    ) -> None:
        # A rep's own sheet naming themselves changes nothing; naming another is a reassignment.
        text = f"code,name,account_manager\n{book.east.code},,rep_east\n"
        assert run(people.rep_east, "customers", write(tmp_path, "c.csv", text)).errors == []
        text = f"code,name,account_manager\n{book.east.code},,sup_east\n"
        result = run(people.rep_east, "customers", write(tmp_path, "c.csv", text))
        assert result.errors == [
            {
                "row": 2,
                "column": "account_manager",
                "message": f"You cannot assign customers to {people.sup_east}: "
                "they are outside your team.",
            }
        ]
        moved = run(people.sup_east, "customers", write(tmp_path, "c.csv", text))
        assert (moved.updated, moved.errors) == (1, [])
        east = Customer.objects.get(pk=book.east.pk)
        assert (east.account_manager, east.version) == (people.sup_east, 2)
        entry = AuditEntry.objects.get(object_id=str(east.pk), action="update")
        assert entry.changes == {
            "account_manager": [people.rep_east.pk, people.sup_east.pk],
            "version": [1, 2],
        }

    def test_a_rep_imports_into_their_own_book_only(
        self, people: People, book: Book, tmp_path: Path
    ) -> None:
        text = f"code,name,account_manager\n{book.west.code},x,\n,新公司,rep_east2\n,另一家公司,\n"
        result = run(
            people.rep_east, "customers", write(tmp_path, "c.csv", text), skip_bad_rows=True
        )
        assert [(e["row"], e["column"]) for e in result.errors] == [
            (2, "code"),
            (3, "account_manager"),
        ]
        assert Customer.objects.get(name="另一家公司").account_manager == people.rep_east

    def test_duplicates_warn(self, people: People, book: Book, tmp_path: Path) -> None:
        text = "名称,电话\n北京华信科技股份有限公司,\n别的公司,010-88886666\n"
        result = run(people.admin, "customers", write(tmp_path, "c.csv", text))
        assert [(w["row"], w["column"]) for w in result.warnings] == [(2, "名称"), (3, "电话")]
        assert book.east.code in result.warnings[0]["message"]
        assert result.created == 2

    def test_missing_required_column(self, people: People, tmp_path: Path) -> None:
        result = run(people.admin, "customers", write(tmp_path, "c.csv", "电话\n010-88886666\n"))
        assert result.errors == [
            {
                "row": 1,
                "column": "Name",
                "message": "The file has no “Name” column (also accepted: name, 客户名称, 名称, "
                "公司名称, customer name).",
            }
        ]

    def test_gb18030_and_xlsx(self, people: People, tmp_path: Path) -> None:
        gbk = write(tmp_path, "gbk.csv", "客户名称,地区\n成都天府软件有限公司,四川\n", "gb18030")
        assert run(people.admin, "customers", gbk).created == 1
        workbook = Workbook()
        workbook.active.append(["客户名称", "注册资金", "成立日期"])
        workbook.active.append(["西安古城文化传媒有限公司", 5000000, "2001-05-01"])
        path = tmp_path / "c.xlsx"
        workbook.save(path)
        assert run(people.admin, "customers", path).created == 1
        xian = Customer.objects.get(name="西安古城文化传媒有限公司")
        assert xian.registered_capital == Decimal("5000000.00")
        assert str(xian.birthday) == "2001-05-01"

    def test_service_staff_cannot_import_customers(self, people: People, tmp_path: Path) -> None:
        with pytest.raises(PermissionDenied):
            run(people.service_east, "customers", write(tmp_path, "c.csv", CUSTOMERS_ZH))


@pytest.mark.django_db
class TestOtherKinds:
    def test_contacts_by_customer_code(self, people: People, book: Book, tmp_path: Path) -> None:
        text = (
            "客户编号,姓名,手机,主联系人\n"
            f"{book.east.code},张三,13812345678,\n"
            f"{book.east.code},李四,,是\n"
            f"{book.west.code},王五,,\n"
        )
        result = run(
            people.rep_east, "contacts", write(tmp_path, "c.csv", text), skip_bad_rows=True
        )
        assert result.created == 2
        assert result.errors[0]["row"] == 4
        primary = Contact.objects.filter(customer=book.east, is_primary=True)
        assert [c.name for c in primary] == ["李四"]

    def test_inventory_never_negative(self, people: People, tmp_path: Path) -> None:
        product, warehouse = ProductFactory(code="P1"), WarehouseFactory(code="W1")
        text = "产品编号,仓库编号,货位,数量\nP1,W1,A-01,10\nP1,W1,A-02,-3\nP9,W1,,1\n"
        result = run(people.admin, "inventory", write(tmp_path, "s.csv", text), skip_bad_rows=True)
        assert result.created == 1
        assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
            (3, "数量", "This cannot be negative."),
            (4, "产品编号", "No product has the code “P9”."),
        ]
        assert StockItem.objects.get(product=product, warehouse=warehouse).quantity == 10

    def test_a_stock_count_is_a_movement_with_its_audit(
        self, people: People, tmp_path: Path
    ) -> None:
        from guanxi.catalog.models import StockMovement

        ProductFactory(code="P1"), WarehouseFactory(code="W1")
        for quantity in (10, 7):
            text = f"产品编号,仓库编号,货位,数量\nP1,W1,A-01,{quantity}\n"
            run(people.admin, "inventory", write(tmp_path, "s.csv", text))
        item = StockItem.objects.get(location="A-01")
        assert item.quantity == 7
        moves = StockMovement.objects.order_by("id").values_list(
            "delta", "quantity_after", "reason"
        )
        assert list(moves) == [
            (10, 10, "Imported stock count"),
            (-3, 7, "Imported stock count"),
        ]
        changes = AuditEntry.objects.filter(model="catalog.stockitem").order_by("id")
        assert [entry.changes["quantity"] for entry in changes] == [
            ["0", "10.00"],
            ["10.00", "7.00"],
        ]

    def test_products_are_written_by_their_services(self, people: People, tmp_path: Path) -> None:
        text = '产品编号,产品名称,单价\nP7,打印机,"1,299.00"\nP8,,5\nP9,扫描仪,-1\n'
        result = run(people.admin, "products", write(tmp_path, "p.csv", text), skip_bad_rows=True)
        assert (result.created, result.errors) == (
            1,
            [
                {"row": 3, "column": "产品名称", "message": "This field is required."},
                {"row": 4, "column": "单价", "message": "The amount cannot be negative."},
            ],
        )
        entry = AuditEntry.objects.get(model="catalog.product", action="create")
        assert (entry.actor, entry.changes["price"]) == (people.admin, [None, "1299.00"])

    def test_orders_with_missing_customers_created(
        self, people: People, book: Book, tmp_path: Path
    ) -> None:
        ProductFactory(code="P1", price="50.00")
        text = (
            "customer code,order date,amount,product,quantity\n"
            f"{book.east.code},2026-01-05,1200,,\n"
            "NEW-1,2026/02/01,,P1,3\n"
        )
        path = write(tmp_path, "o.csv", text)
        refused = run(people.admin, "orders", path)
        assert refused.errors[0]["message"] == "No customer you may see has the code “NEW-1”."
        result = run(people.admin, "orders", path, create_missing_customers=True)
        assert result.created == 2
        new = Order.objects.get(customer__code="NEW-1")
        assert new.total == Decimal("150.00")
        assert new.lines.get().quantity == 3
        assert new.created_by == people.admin
        # The new customer is made by the customer service: searchable, audited.
        made = AuditEntry.objects.get(model="customers.customer", action="create")
        assert (made.actor, made.object_repr) == (people.admin, "NEW-1")
        assert Customer.objects.get(code="NEW-1").search_text


@pytest.mark.django_db
def test_cli_import_json_and_export(people: People, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    CustomerFactory(name="已有客户", account_manager=people.rep_east)
    path = write(tmp_path, "c.csv", CUSTOMERS_ZH + ",坏公司,VIP,,,,,,\n")
    assert main(["import", "customers", str(path), "--json", "--user", "sup_east"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert (report["created"], report["skipped"]) == (0, 3)
    assert report["errors"][0]["row"] == 4
    assert "nothing was imported" in err
    assert (
        main(["import", "customers", str(path), "--json", "--skip-bad-rows", "--user", "sup_east"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["created"] == 2
    target = tmp_path / "out.xlsx"
    assert main(["export", "customers", str(target), "--user", "rep_east", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"rows": 3, "file": str(target)}
    assert main(["export", "customers", str(target), "--user", "nobody"]) == 1
    assert capsys.readouterr().err == "guanxi: error: no active user is called 'nobody'\n"


@pytest.mark.django_db
def test_a_web_import_reports_progress_outside_its_transaction(
    people: People, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from guanxi.transfer.models import ImportJob
    from guanxi.transfer.services import import_job_run, progress_key

    rows = "".join(f",客户{i}有限公司\n" for i in range(5000))
    path = write(tmp_path, "big.csv", "code,name\n" + rows)
    job = ImportJob.objects.create(
        kind="customers", file_name="big.csv", stored_path=str(path), started_by=people.admin
    )
    reported = []
    original = cache.set
    monkeypatch.setattr(
        cache,
        "set",
        lambda key, value, *a, **k: (reported.append(value), original(key, value, *a, **k)),
    )
    job = import_job_run(job)
    assert (job.state, job.created, job.progress) == ("done", 5000, 100)
    assert [rows for _percent, rows in reported] == [2000, 4000, 5000]
    assert all(0 < percent <= 99 for percent, _rows in reported)
    assert cache.get(progress_key(job.pk)) is None
    assert not path.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imports_back_unchanged(
    people: People, tmp_path: Path, language: str, suffix: str
) -> None:
    from guanxi.customers.services import customer_create
    from guanxi.transfer.kinds.customers import export_rows
    from guanxi.transfer.writers import write_file

    customer_create(
        actor=people.admin,
        name="杭州云栖信息技术有限公司",
        level="major",
        region="zhejiang",
        scale="medium",
        lifecycle_stage="growing",
        status="churn_warning",
        phone="0571-88886666",
        registered_capital="5000000",
        birthday="2001-05-01",
        tags=["VIP", "华东"],
    )
    before = list(Customer.objects.values())
    path = tmp_path / f"export{suffix}"
    with translation.override(language):
        header, rows = export_rows(people.admin)
        assert write_file(path, header, rows) == 1
        result = run(people.admin, "customers", path)
    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert list(Customer.objects.values()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exports_carry_no_formula_and_import_back_unchanged(
    people: People, tmp_path: Path, suffix: str
) -> None:
    from openpyxl import load_workbook

    from guanxi.customers.services import customer_create
    from guanxi.transfer.kinds.customers import export_rows
    from guanxi.transfer.writers import write_file

    dangerous = ['=HYPERLINK("http://evil.example/","点击")', "+1+1", "-2+3", "@SUM(A1)"]
    for index, note in enumerate(dangerous):
        customer_create(actor=people.admin, name=f"公式测试{index}有限公司", notes=note)
    path = tmp_path / f"export{suffix}"
    header, rows = export_rows(people.admin)
    write_file(path, header, rows)
    column = header.index(str(Customer._meta.get_field("notes").verbose_name).capitalize())
    if suffix == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK(" in text and "'+1+1" in text and "'@SUM(A1)" in text
        assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    else:
        cells = [row[column] for row in load_workbook(path).active.iter_rows(min_row=2)]
        assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula
        assert sorted(cell.value for cell in cells) == sorted(dangerous)
    before = sorted(Customer.objects.values_list("notes", flat=True))
    result = run(people.admin, "customers", path)
    assert (result.created, result.errors) == (0, [])
    assert sorted(Customer.objects.values_list("notes", flat=True)) == before == sorted(dangerous)
