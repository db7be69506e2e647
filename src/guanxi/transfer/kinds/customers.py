"""Customers in and out of spreadsheets. The bulk path: a few queries per 2,000 rows."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.audit import json_value
from guanxi.core.bulk import copy_rows, field_defaults, insert_fields
from guanxi.core.models import AuditEntry
from guanxi.core.roles import DataScope, data_scope, owner_in_scope
from guanxi.core.selectors import DictionaryLookup
from guanxi.core.sequences import bump_to
from guanxi.customers.models import Customer, Tag
from guanxi.customers.search import search_fields
from guanxi.customers.selectors import CustomerFilters, customer_list
from guanxi.customers.services.customers import (
    CODE_PREFIX,
    CODE_SEQUENCE,
    check_manager,
    duplicate_keys,
    new_codes,
    refresh_search,
)
from guanxi.customers.services.fields import DICTIONARY_FIELDS, clean_value
from guanxi.transfer.columns import Column
from guanxi.transfer.engine import Importer, ParsedRow

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
FIELD_COLUMNS = [c.field for c in COLUMNS if c.field not in {"code", "account_manager", "tags"}]
GENERATED_CODE = re.compile(rf"^{CODE_PREFIX}(\d{{9}})$")
LOOKUP_CHUNK = 500
# On PostgreSQL, refresh the planner's statistics as a big import doubles the table.
FIRST_ANALYZE_AT = 10_000
TAG_SPLIT = re.compile(r"[,，;；、]")


@dataclass
class CustomerRow:
    row: ParsedRow
    code: str
    values: dict[str, Any]
    manager: User | None
    manager_given: bool
    tags: list[str] | None
    existing: Customer | None = None
    pk: int | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


class CustomerImporter(Importer):
    columns = COLUMNS
    permission = "customers.add_customer"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookup = DictionaryLookup()
        self.managers: dict[str, User | str] = {}
        self.default_manager = self.actor if data_scope(self.actor) is DataScope.OWN else None
        self.tag_ids: dict[str, int] = {}
        self.fields = insert_fields(Customer)
        self.added = 0
        self.next_analyze = FIRST_ANALYZE_AT
        self.defaults = field_defaults(Customer)

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
        values: dict[str, Any] = {}
        ok = True
        for name in FIELD_COLUMNS:
            if name not in row.values:
                continue
            raw = row.values[name]
            try:
                values[name] = clean_value(name, raw, self.lookup)
            except ValidationError as error:
                self.fail(row, name, " ".join(error.messages))
                ok = False
        manager: User | None = self.default_manager
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
        code = row.values.get("code", "")
        if len(code) > 32:
            self.fail(row, "code", _("A code has at most 32 characters."))
            ok = False
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
        codes = [item.code for item in parsed if item.code]
        existing = {
            c.code: c
            for c in Customer.objects.filter(code__in=codes).select_related("account_manager")
        }
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
            item.existing = existing.get(item.code) if item.code else None
            if item.existing is not None and not owner_in_scope(
                self.actor, item.existing.account_manager
            ):
                self.fail(
                    item.row,
                    "code",
                    _("The customer %(code)s is outside your data scope.") % {"code": item.code},
                )
                bad_numbers.add(item.row.number)
                continue
            if item.existing is None and not item.values.get("name"):
                self.fail(item.row, "name", _("This field is required."))
                bad_numbers.add(item.row.number)
                continue
            good.append(item)
        self.warn_duplicates([item for item in good if item.existing is None])
        if write:
            self.write(good)
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

    def write(self, good: list[CustomerRow]) -> None:
        now = timezone.now()
        new = [item for item in good if item.existing is None]
        generated = iter(new_codes(sum(1 for item in new if not item.code)) if new else [])
        highest = 0
        rows = []
        # New rows go in as plain tuples on the bulk path: no model instance per row.
        for item in new:
            code = item.code or next(generated)
            match = GENERATED_CODE.match(code)
            if match and item.code:
                highest = max(highest, int(match[1]))
            item.code = code
            row = {**self.defaults, **item.values}
            row.update(
                code=code,
                account_manager=item.manager.pk if item.manager else None,
                created_at=now,
                updated_at=now,
            )
            row.update(
                search_fields(
                    name=row["name"],
                    code=code,
                    phone=row["phone"],
                    email=row["email"],
                    person=row["kind"] == Customer.Kind.INDIVIDUAL,
                )
            )
            rows.append(tuple(row[name] for name in self.fields))
        if highest:
            bump_to(CODE_SEQUENCE, highest)
        copy_rows(Customer, self.fields, rows)
        self._refresh_statistics(len(rows))
        tagged_new = [item.code for item in new if item.tags]
        if tagged_new:
            # The bulk path returns no primary keys; tags need them.
            ids = dict(Customer.objects.filter(code__in=tagged_new).values_list("code", "pk"))
            for item in new:
                item.pk = ids.get(item.code)
        updated: list[Customer] = []
        update_fields: set[str] = set()
        audit: list[AuditEntry] = []
        for item in good:
            if item.existing is None:
                continue
            customer = item.existing
            # Empty cells leave a value alone: a partial sheet never wipes data.
            changes = {
                name: [json_value(getattr(customer, name)), json_value(value)]
                for name, value in item.values.items()
                if value not in ("", None) and getattr(customer, name) != value
            }
            if item.manager_given and item.manager != customer.account_manager:
                changes["account_manager"] = [
                    customer.account_manager_id,
                    item.manager.pk if item.manager else None,
                ]
                customer.account_manager = item.manager
            for name, (_before, _after) in changes.items():
                if name != "account_manager":
                    setattr(customer, name, item.values[name])
            if changes:
                customer.version += 1
                changes["version"] = [customer.version - 1, customer.version]
                customer.updated_at = now
                refresh_search(customer)
                update_fields.update(changes)
                updated.append(customer)
                audit.append(
                    AuditEntry(
                        actor=self.actor,
                        action=AuditEntry.Action.UPDATE,
                        model="customers.customer",
                        object_id=str(customer.pk),
                        object_repr=str(customer)[:200],
                        changes=changes,
                    )
                )
        if updated:
            fields = sorted(
                update_fields | {"updated_at", "name_key", "search_text", "search_bigrams"}
            )
            Customer.objects.bulk_update(updated, fields, batch_size=1000)
            AuditEntry.objects.bulk_create(audit, batch_size=1000)
        self._set_tags(good)
        self.result.created += len(rows)
        self.result.updated += len(updated)

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

    def _set_tags(self, good: list[CustomerRow]) -> None:
        tagged = [item for item in good if item.tags is not None]
        if not tagged:
            return
        names = {name for item in tagged for name in item.tags or []}
        missing = names - set(self.tag_ids)
        if missing:
            Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
            self.tag_ids.update(Tag.objects.filter(name__in=missing).values_list("name", "pk"))
        through = Customer.tags.through
        customer_ids = []
        links: list[Any] = []
        for item in tagged:
            pk = item.existing.pk if item.existing else item.pk
            if pk is None:
                continue
            customer_ids.append(pk)
            links.extend(through(customer_id=pk, tag_id=self.tag_ids[n]) for n in item.tags or [])
        through.objects.filter(customer_id__in=customer_ids).delete()
        through.objects.bulk_create(links, batch_size=2000)


def export_rows(
    actor: User, filters: CustomerFilters | None = None
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
                else:
                    value = getattr(customer, name)
                    row.append("" if value is None else value)
            yield row

    return header, rows()
