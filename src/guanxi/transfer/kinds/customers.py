"""Customers in and out of spreadsheets. The bulk path: a few queries per 2,000 rows."""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.dictionary import DictionaryLookup, dictionary_in_use
from guanxi.core.fields import dictionary_fields
from guanxi.core.privacy import shown
from guanxi.core.validation import clean_values
from guanxi.core.validators import parse_date
from guanxi.customers.models import Customer
from guanxi.customers.privacy import INDIVIDUAL_PERSONAL
from guanxi.customers.selectors import customer_list
from guanxi.customers.services.bulk import (
    CustomerChange,
    NewCustomer,
    customers_bulk_create,
    customers_bulk_update,
    customers_for_import,
)
from guanxi.customers.services.customers import UNCHANGED, check_manager, duplicate_keys
from guanxi.transfer.columns import Column
from guanxi.transfer.engine import Importer, ParsedRow

DICTIONARY_FIELDS = dictionary_fields(Customer)
COLUMNS = [
    Column("code", gettext_lazy("Code"), ("客户编号", "编号", "客户代码", "customer code")),
    Column("name", gettext_lazy("Name"), ("客户名称", "名称", "公司名称", "customer name"), True),
    Column("kind", gettext_lazy("Type"), ("类型", "客户类型")),
    Column("level", gettext_lazy("Level"), ("客户等级", "等级")),
    Column("credit_rating", gettext_lazy("Credit rating"), ("信用度", "信用等级", "credit")),
    Column("satisfaction", gettext_lazy("Satisfaction"), ("满意度",)),
    Column("region", gettext_lazy("Region"), ("地区", "省份", "所在地区")),
    Column("industry", gettext_lazy("Industry"), ("行业", "所属行业")),
    Column("source", gettext_lazy("Source"), ("客户来源", "来源")),
    Column("scale", gettext_lazy("Scale"), ("规模", "企业规模")),
    Column("account_manager", gettext_lazy("Account manager"), ("客户经理", "负责人", "owner")),
    Column("phone", gettext_lazy("Phone"), ("电话", "联系电话", "telephone")),
    Column("fax", gettext_lazy("Fax"), ("传真",)),
    Column("email", gettext_lazy("E-mail"), ("邮箱", "电子邮件", "电子邮箱", "mail")),
    Column("website", gettext_lazy("Website"), ("网址", "网站", "主页")),
    Column("address", gettext_lazy("Address"), ("地址", "公司地址")),
    Column("postcode", gettext_lazy("Postcode"), ("邮编", "邮政编码", "zip")),
    Column(
        "unified_social_credit_code",
        gettext_lazy("Unified social credit code"),
        ("统一社会信用代码", "信用代码", "uscc"),
    ),
    Column(
        "registration_number",
        gettext_lazy("Business licence number"),
        ("营业执照注册号", "注册号"),
    ),
    Column("legal_representative", gettext_lazy("Legal representative"), ("法人", "法人代表")),
    Column(
        "registered_capital", gettext_lazy("Registered capital (CNY)"), ("注册资金", "注册资本")
    ),
    Column("annual_revenue", gettext_lazy("Annual revenue (CNY)"), ("年营业额", "营业额")),
    Column("bank_name", gettext_lazy("Bank"), ("开户银行", "开户行")),
    Column("bank_account", gettext_lazy("Bank account"), ("银行账号", "账号")),
    Column("tax_number", gettext_lazy("Tax number"), ("税号", "纳税人识别号")),
    Column("birthday", gettext_lazy("Birthday or founding date"), ("生日", "成立日期", "纪念日")),
    Column("lifecycle_stage", gettext_lazy("Lifecycle stage"), ("生命周期", "生命周期阶段")),
    Column("status", gettext_lazy("Status"), ("状态", "客户状态")),
    Column("tags", gettext_lazy("Tags"), ("标签",)),
    Column("notes", gettext_lazy("Notes"), ("备注",)),
]
# The lifecycle stage is exported, not imported: it is derived from the data (and set by hand
# only with a reason, on the customer's page).
IMPORT_COLUMNS = [c for c in COLUMNS if c.field != "lifecycle_stage"]
FIELD_COLUMNS = [
    c.field for c in IMPORT_COLUMNS if c.field not in {"code", "account_manager", "tags"}
]
LOOKUP_CHUNK = 500
# On PostgreSQL, refresh the planner's statistics as a big import doubles the table.
FIRST_ANALYZE_AT = 10_000
TAG_SPLIT = re.compile(r"[,，;；、]")
DATE_COLUMNS = {"birthday"}


@dataclass
class CustomerRow:
    row: ParsedRow
    code: str
    values: dict[str, Any]
    manager: User | None
    manager_given: bool
    tags: list[str] | None
    existing: Customer | None = None


class CustomerImporter(Importer):
    """Each cell judged by the customer model's own field rules; rows written by the customers'
    bulk services (``customers.services.bulk``), which own versions, audit and refusals."""

    columns = IMPORT_COLUMNS
    permission = "customers.add_customer"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookup = DictionaryLookup()
        self.managers: dict[str, User | str] = {}
        self.added = 0
        self.next_analyze = FIRST_ANALYZE_AT

    def manager(self, username: str) -> User | str:
        """The user, or the error message for this username (looked up once per file)."""
        if username not in self.managers:
            user = User.objects.filter(username=username).first()
            if user is None:
                self.managers[username] = _("No user has the username “%(name)s”.") % {
                    "name": username
                }
            else:
                try:
                    check_manager(self.actor, user)
                    self.managers[username] = user
                except ValidationError as error:
                    self.managers[username] = " ".join(error.messages)
        return self.managers[username]

    def parse(self, row: ParsedRow) -> CustomerRow | None:
        # An empty cell is not a value: a new customer takes the default, an existing one keeps
        # what it has (a partial sheet never wipes data).
        given: dict[str, Any] = {
            name: row.values[name] for name in FIELD_COLUMNS if row.values.get(name)
        }
        ok = True
        for name in DATE_COLUMNS & set(given):
            try:
                given[name] = parse_date(given[name])
            except ValidationError as error:
                self.fail(row, name, " ".join(error.messages))
                return None
        code = row.values.get("code", "")
        values: dict[str, Any] = {}
        with dictionary_in_use(self.lookup):
            try:
                values = clean_values(Customer, {**given, **({"code": code} if code else {})})
                values.pop("code", None)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.fail(row, name, " ".join(messages))
                ok = False
        manager: User | None = None
        username = row.values.get("account_manager", "")
        if username:
            found = self.manager(username)
            if isinstance(found, str):
                self.fail(row, "account_manager", found)
                ok = False
            else:
                manager = found
        tags = None
        if "tags" in row.values:
            tags = sorted(
                {t.strip()[:50] for t in TAG_SPLIT.split(row.values["tags"]) if t.strip()}
            )
        if not ok:
            return None
        return CustomerRow(row, code, values, manager, bool(username), tags)

    def process(self, rows: list[ParsedRow], *, write: bool) -> int:
        parsed: list[CustomerRow] = []
        bad_numbers: set[int] = set()
        for row in rows:
            item = self.parse(row)
            if item is None:
                bad_numbers.add(row.number)
            else:
                parsed.append(item)
        seen: dict[str, int] = {}
        existing, refused = customers_for_import(
            actor=self.actor, codes=[item.code for item in parsed if item.code]
        )
        good: list[CustomerRow] = []
        for item in parsed:
            if item.code:
                if item.code in seen:
                    self.fail(
                        item.row,
                        "code",
                        _("The code %(code)s is also on row %(row)d of this file.")
                        % {"code": item.code, "row": seen[item.code]},
                    )
                    bad_numbers.add(item.row.number)
                    continue
                seen[item.code] = item.row.number
                if item.code in refused:
                    self.fail(item.row, "code", refused[item.code])
                    bad_numbers.add(item.row.number)
                    continue
            item.existing = existing.get(item.code) if item.code else None
            if item.existing is None and not item.values.get("name"):
                self.fail(item.row, "name", _("This field is required."))
                bad_numbers.add(item.row.number)
                continue
            good.append(item)
        self.warn_duplicates([item for item in good if item.existing is None])
        if write:
            bad_numbers |= self.write(good)
        return len(bad_numbers)

    def warn_duplicates(self, new_rows: list[CustomerRow]) -> None:
        """Rows that look like customers already on file: a warning each, never an error."""
        keys: dict[str, set[str]] = {}
        derived: dict[int, dict[str, str]] = {}
        for item in new_rows:
            derived[item.row.number] = duplicate_keys(item.values)
            for key, value in derived[item.row.number].items():
                if value:
                    keys.setdefault(key, set()).add(value)
        # One query per key, so each is a plain index lookup whatever the table statistics say
        # (a table that grew inside this transaction has none yet).
        on_file: dict[tuple[str, str], tuple[str, str]] = {}
        for key, values in keys.items():
            ordered = sorted(values)
            # Short IN lists keep each lookup on its index.
            for start in range(0, len(ordered), LOOKUP_CHUNK):
                matches = Customer.objects.filter(
                    **{f"{key}__in": ordered[start : start + LOOKUP_CHUNK]}
                ).values_list(key, "code", "name", "archived_at")
                for value, code, name, archived_at in matches:
                    if archived_at is None:
                        on_file.setdefault((key, value), (code, name))
        for item in new_rows:
            for key, value in derived[item.row.number].items():
                match = on_file.get((key, value)) if value else None
                if match is not None:
                    self.result.add_warning(
                        item.row.number,
                        self.label("name" if key == "name_key" else key),
                        _("Looks like %(code)s %(name)s, already on file.")
                        % {"code": match[0], "name": match[1]},
                    )
                    break

    def write(self, good: list[CustomerRow]) -> set[int]:
        """Write the good rows; the row numbers the services refused come back."""
        new = [item for item in good if item.existing is None]
        if new:
            customers_bulk_create(
                actor=self.actor,
                rows=[NewCustomer(item.code, item.values, item.manager, item.tags) for item in new],
            )
            self._refresh_statistics(len(new))
        changed = [item for item in good if item.existing is not None]
        self.result.created += len(new)
        if not changed:
            return set()
        outcome = customers_bulk_update(
            actor=self.actor,
            changes=[
                CustomerChange(
                    item.existing,  # type: ignore[arg-type]
                    item.values,
                    item.manager if item.manager_given else UNCHANGED,
                    item.tags,
                )
                for item in changed
            ],
        )
        for index, (column, message) in outcome.refused.items():
            self.fail(changed[index].row, column, message)
        self.result.updated += outcome.updated
        return {changed[index].row.number for index in outcome.refused}

    def _refresh_statistics(self, added: int) -> None:
        """Keep duplicate lookups on their indexes while a large import grows the table.

        A table that grows inside one transaction has no statistics for what it gained, and
        PostgreSQL would scan it whole for every lookup. ANALYZE inside the transaction sees
        our own new rows; running it at 10k, 20k, 40k… rows costs a few seconds in all.
        """
        self.added += added
        if connection.vendor == "postgresql" and self.added >= self.next_analyze:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE customers_customer")
            self.next_analyze = self.added * 2


def export_rows(
    actor: User, filters: Mapping[str, Any] | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of every customer ``actor`` may see that matches ``filters``."""
    lookup = DictionaryLookup()
    customers: QuerySet[Customer] = customer_list(actor=actor, filters=filters).prefetch_related(
        "tags"
    )
    header = [str(column.label) for column in COLUMNS]

    def rows() -> Iterator[list[Any]]:
        for customer in customers.order_by("pk").iterator(chunk_size=2000):
            row: list[Any] = []
            for column in COLUMNS:
                name = column.field
                if name == "account_manager":
                    row.append(
                        customer.account_manager.username if customer.account_manager else ""
                    )
                elif name == "tags":
                    row.append(", ".join(sorted(tag.name for tag in customer.tags.all())))
                elif name in DICTIONARY_FIELDS:
                    value = getattr(customer, name)
                    row.append(lookup.label(DICTIONARY_FIELDS[name], value) if value else "")
                elif name in {"kind", "scale", "lifecycle_stage", "status"}:
                    row.append(getattr(customer, f"get_{name}_display")())
                elif name in INDIVIDUAL_PERSONAL:
                    row.append(shown(actor, customer, name))
                else:
                    value = getattr(customer, name)
                    row.append("" if value is None else value)
            yield row

    return header, rows()
