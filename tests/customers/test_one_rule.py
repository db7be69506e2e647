"""One rule, one message: the same bad value through the form, the API and an import is
refused with the same words, in English and in Chinese, and nothing is stored."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from guanxi.customers.models import Contact, Customer
from guanxi.transfer.engine import ImportOptions
from guanxi.transfer.services import import_file
from tests.conftest import Book, People, bearer_for, client_for, post

pytestmark = pytest.mark.django_db

# (field, import header, bad value, English message, Chinese message)
BAD_VALUES = [
    (
        "registered_capital",
        "注册资金",
        "-5",
        "The amount cannot be negative.",
        "金额不能为负数。",
    ),
    (
        "phone",
        "电话",
        "12345",
        "Enter a mobile number or a landline with its area code, such as 010-12345678.",
        "请输入手机号码或带区号的座机号码，例如 010-12345678。",
    ),
    (
        "email",
        "邮箱",
        "zhang@",
        "Enter a valid e-mail address, such as name@example.com.",
        "请输入有效的邮箱地址，例如 name@example.com。",
    ),
    (
        "unified_social_credit_code",
        "统一社会信用代码",
        "91350100M00010",
        "A unified social credit code has 18 characters; this one has 14.",
        "统一社会信用代码应为 18 位，当前为 14 位。",
    ),
    (
        "postcode",
        "邮编",
        "1000",
        "A Chinese postcode has 6 digits.",
        "邮政编码应为 6 位数字。",
    ),
    (
        "kind",
        "类型",
        "alien",
        "“alien” is not one of: company, individual.",
        "“alien”不是以下选项之一：company, individual。",
    ),
    (
        "name",
        "客户名称",
        "长" * 201,
        "Ensure this value has at most 200 characters (it has 201).",
        "确保该变量包含不超过 200 字符 (目前字符数 201)。",
    ),
]
FORM_BASE = {
    "name": "杭州云栖信息技术有限公司",
    "kind": "company",
    "level": "ordinary",
    "lifecycle_stage": "potential",
    "status": "normal",
}


def through_form(people: People, field: str, value: str, language: str) -> list[str]:
    response = client_for(people.sup_east, language).post(
        "/customers/new/", {**FORM_BASE, field: value}
    )
    assert response.status_code == 200
    return list(response.context["form"].errors[field])


def through_api(people: People, field: str, value: str, language: str) -> list[str]:
    body: dict[str, Any] = {"name": FORM_BASE["name"], field: value}
    if field == "registered_capital":
        body[field] = float(value)
    response = post(bearer_for(people.sup_east, language), "/api/v1/customers", body)
    assert response.status_code == 422
    return [error["message"] for error in response.json()["errors"] if error["field"] == field]


def through_import(
    people: People, tmp_path: Path, header: str, value: str, language: str
) -> list[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ["客户名称"] if header == "客户名称" else ["客户名称", header]
    writer.writerow(columns)
    writer.writerow([value] if header == "客户名称" else [FORM_BASE["name"], value])
    path = tmp_path / "customers.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    with translation.override(language):
        result = import_file(
            actor=people.sup_east, kind="customers", path=path, options=ImportOptions()
        )
    assert not result.written
    return [error["message"] for error in result.errors if error["column"] == header]


@pytest.mark.parametrize(("field", "header", "value", "english", "chinese"), BAD_VALUES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_bad_value_gets_one_message_on_every_path(
    people: People,
    tmp_path: Path,
    field: str,
    header: str,
    value: str,
    english: str,
    chinese: str,
    language: str,
) -> None:
    expected = [english if language == "en" else chinese]
    assert through_form(people, field, value, language) == expected
    assert through_api(people, field, value, language) == expected
    assert through_import(people, tmp_path, header, value, language) == expected
    assert not Customer.objects.filter(name=FORM_BASE["name"]).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_unknown_dictionary_value_lists_the_choices(
    people: People, tmp_path: Path, language: str
) -> None:
    expected = {
        "en": "“platinum” is not in the dictionary. Choose from: Ordinary customer, "
        "Key prospect, Major customer, Partner, Strategic partner.",
        "zh-hans": "“platinum”不在数据字典中。可选：普通客户, 重点开发客户, 大客户, 合作伙伴, "
        "战略合作伙伴。",
    }[language]
    assert through_form(people, "level", "platinum", language) == [expected]
    assert through_api(people, "level", "platinum", language) == [expected]
    assert through_import(people, tmp_path, "客户等级", "platinum", language) == [expected]


def test_a_value_is_kept_as_the_rule_writes_it(people: People, tmp_path: Path) -> None:
    """Normalising is part of the rule: every path stores the same form of a value."""
    client_for(people.sup_east).post(
        "/customers/new/",
        {**FORM_BASE, "name": "甲", "phone": "01088886661", "kind": "Individual"},
    )
    post(
        bearer_for(people.sup_east),
        "/api/v1/customers",
        {"name": "乙", "phone": "(010)88886662", "kind": "个人"},
    )
    path = tmp_path / "c.csv"
    path.write_text("客户名称,电话,类型\n丙,010 8888 6663,individual\n", encoding="utf-8")
    import_file(actor=people.sup_east, kind="customers", path=path, options=ImportOptions())
    stored = Customer.objects.filter(name__in=["甲", "乙", "丙"]).values_list("phone", "kind")
    assert sorted(stored) == [(f"010-8888666{n}", "individual") for n in (1, 2, 3)]


def test_a_contact_mobile_gets_one_message(people: People, book: Book, tmp_path: Path) -> None:
    message = "Enter a mobile number of 11 digits starting with 13 to 19, such as 13812345678."
    page = client_for(people.rep_east).post(
        f"/customers/{book.east.pk}/contacts/new/", {"name": "张三", "mobile": "12345"}
    )
    assert list(page.context["form"].errors["mobile"]) == [message]
    api = post(
        bearer_for(people.rep_east),
        f"/api/v1/customers/{book.east.pk}/contacts",
        {"name": "张三", "mobile": "12345"},
    )
    assert api.json()["errors"] == [{"field": "mobile", "message": message}]
    path = tmp_path / "contacts.csv"
    path.write_text(f"客户编号,姓名,手机\n{book.east.code},张三,12345\n", encoding="utf-8")
    with translation.override("en"):
        result = import_file(
            actor=people.rep_east, kind="contacts", path=path, options=ImportOptions()
        )
    assert result.errors == [{"row": 2, "column": "手机", "message": message}]
    assert not Contact.objects.filter(name="张三").exists()
