"""Contacts in and out of spreadsheets, matched to customers by code."""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.privacy import shown
from guanxi.core.validation import clean_values
from guanxi.core.validators import parse_date
from guanxi.customers.models import CONTACT_FIELDS, Contact
from guanxi.customers.selectors import visible_customers
from guanxi.customers.services.contacts import contact_create, contact_update
from guanxi.transfer.columns import Column
from guanxi.transfer.engine import Importer, ParsedRow

COLUMNS = [
    Column("customer", gettext_lazy("Customer code"), ("客户编号", "客户代码", "customer"), True),
    Column("name", gettext_lazy("Name"), ("姓名", "联系人", "联系人姓名", "contact name"), True),
    Column("gender", gettext_lazy("Gender"), ("性别", "sex")),
    Column("title", gettext_lazy("Job title"), ("职务", "职位", "title")),
    Column("office_phone", gettext_lazy("Office phone"), ("办公电话", "电话", "phone")),
    Column("mobile", gettext_lazy("Mobile"), ("手机", "手机号", "移动电话")),
    Column("email", gettext_lazy("E-mail"), ("邮箱", "电子邮件")),
    Column("birthday", gettext_lazy("Birthday"), ("生日", "出生日期")),
    Column("is_primary", gettext_lazy("Primary contact"), ("主联系人", "首要联系人", "primary")),
    Column("notes", gettext_lazy("Notes"), ("备注",)),
]
YES = {"1", "true", "yes", "y", "是", "√", "x", "主"}
GENDERS = {"男": "male", "女": "female", "m": "male", "f": "female"}


class ContactImporter(Importer):
    """Upserts contacts by (customer code, name); the first one of a customer is primary."""

    columns = COLUMNS
    permission = "customers.add_contact"

    def process(self, rows: list[ParsedRow], *, write: bool) -> int:
        codes = {row.values.get("customer", "") for row in rows}
        customers = {
            c.code: c
            for c in visible_customers(self.actor).filter(code__in=codes, archived_at__isnull=True)
        }
        bad = 0
        for row in rows:
            customer = customers.get(row.values.get("customer", ""))
            if customer is None:
                self.fail(
                    row,
                    "customer",
                    _("No customer you may see has the code “%(code)s”.")
                    % {"code": row.values.get("customer", "")},
                )
                bad += 1
                continue
            values: dict[str, Any] = {k: row.values[k] for k in CONTACT_FIELDS if row.values.get(k)}
            values["name"] = row.values.get("name", "")
            if "gender" in values:
                values["gender"] = GENDERS.get(values["gender"].lower(), values["gender"])
            try:
                if "birthday" in values:
                    values["birthday"] = parse_date(values["birthday"])
                cleaned = clean_values(Contact, values, required=["name"])
            except ValidationError as error:
                self._fail_all(row, error, "birthday")
                bad += 1
                continue
            if not write:
                continue
            primary = row.values.get("is_primary", "").strip().lower() in YES
            contact = Contact.objects.filter(customer=customer, name=cleaned["name"]).first()
            try:
                if contact is None:
                    contact_create(
                        actor=self.actor, customer=customer, is_primary=primary, **cleaned
                    )
                    self.result.created += 1
                else:
                    contact_update(
                        actor=self.actor,
                        contact=contact,
                        is_primary=True if primary else None,
                        **cleaned,
                    )
                    self.result.updated += 1
            except ValidationError as error:
                self._fail_all(row, error, "customer")
                bad += 1
        return bad

    def _fail_all(self, row: ParsedRow, error: ValidationError, column: str) -> None:
        """Every message of ``error`` on its own column (``column`` for those without one)."""
        if not hasattr(error, "error_dict"):
            self.fail(row, column, " ".join(error.messages))
            return
        for name, messages in error.message_dict.items():
            self.fail(row, name, " ".join(messages))


def export_rows(actor: User) -> tuple[list[str], Iterator[list[Any]]]:
    header = [str(c.label) for c in COLUMNS]

    def rows() -> Iterator[list[Any]]:
        contacts = Contact.objects.filter(customer__in=visible_customers(actor)).select_related(
            "customer"
        )
        for c in contacts.order_by("customer__code", "-is_primary", "name").iterator(
            chunk_size=2000
        ):
            yield [
                c.customer.code,
                c.name,
                c.get_gender_display() if c.gender else "",
                c.title,
                c.office_phone,
                shown(actor, c, "mobile"),
                shown(actor, c, "email"),
                c.birthday or "",
                _("Yes") if c.is_primary else "",
                c.notes,
            ]

    return header, rows()
