"""Demo customers with contacts, interactions and two years of orders, on the bulk path.

Customers are made in chunks: each chunk is copied in, its ids read back, and its contacts,
interactions, orders and lines copied in after it, so memory stays flat at any size.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.bulk import copy_rows, field_defaults, insert_fields
from guanxi.core.roles import Role
from guanxi.core.sequences import next_numbers
from guanxi.customers.models import CommunicationTarget, Contact, Customer, Interaction, Tag
from guanxi.customers.search import search_fields
from guanxi.customers.services.customers import format_code
from guanxi.demo.context import DemoContext
from guanxi.demo.names import CITIES, GIVEN_CHARS, company_name, mobile, person_name
from guanxi.orders.models import Order, OrderLine

CHUNK = 5000
ORDER_YEARS = 2
CHURN_AFTER_DAYS = 180
REGIONS = {
    "北京": "beijing",
    "上海": "shanghai",
    "广州": "guangdong",
    "深圳": "guangdong",
    "杭州": "zhejiang",
    "南京": "jiangsu",
    "苏州": "jiangsu",
    "成都": "sichuan",
    "武汉": "hubei",
    "西安": "shaanxi",
    "天津": "tianjin",
    "重庆": "chongqing",
}
LEVELS = [
    ("ordinary", 60),
    ("key_prospect", 15),
    ("major", 12),
    ("partner", 9),
    ("strategic_partner", 4),
]
INDUSTRIES = [
    "manufacturing",
    "information_technology",
    "retail",
    "wholesale",
    "logistics",
    "healthcare",
    "construction",
    "energy",
    "education",
    "finance",
]
SOURCES = ["referral", "website", "trade_show", "cold_call", "advertising", "partner_referral"]
CHANNELS = ["phone", "email", "visit", "meeting", "wechat", "online"]
TITLES = ["总经理", "采购经理", "技术总监", "财务经理", "项目经理", "行政主管", "销售总监"]
SUMMARIES = ["电话回访", "产品演示", "报价沟通", "合同洽谈", "售后回访", "需求调研", "节日问候"]
TAGS_AT_RANDOM = ["重点跟进", "老客户", "VIP", "展会客户", "华东", "华南"]

CONTACT_FIELDS = [
    "customer",
    "name",
    "gender",
    "title",
    "office_phone",
    "mobile",
    "email",
    "notes",
    "is_primary",
    "created_at",
    "updated_at",
]
INTERACTION_FIELDS = [
    "customer",
    "occurred_at",
    "channel",
    "place",
    "summary",
    "details",
    "notes",
    "effective",
    "recorded_by",
    "created_at",
    "updated_at",
]
ORDER_FIELDS = [
    "number",
    "customer",
    "order_date",
    "status",
    "delivery_address",
    "total",
    "notes",
    "created_by",
    "created_at",
    "updated_at",
]
LINE_FIELDS = ["order", "product", "description", "quantity", "unit", "unit_price", "amount"]


def _weighted(rng: Any, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _company(rng: Any) -> str:
    if rng.random() < 0.5:
        return company_name(rng)
    # A made-up two-character brand keeps names varied at a million customers.
    brand = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    return rng.choice(CITIES) + brand + company_name(rng)[len("北京") + 2 :]


def generate_customers(context: DemoContext) -> None:
    if Customer.objects.exists() or context.customers == 0:
        return
    # The handbook's 2 a month, more for the accounts that matter most.
    for level, per_month in (("major", 3), ("strategic_partner", 4)):
        CommunicationTarget.objects.get_or_create(level=level, defaults={"per_month": per_month})
    rng = context.rng
    managers = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).order_by("pk"))
    service = list(User.objects.filter(role=Role.SERVICE_STAFF).order_by("pk"))
    products = context.made.get("products", [])
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    counts = {"customers": 0, "contacts": 0, "interactions": 0, "orders": 0}
    fields, defaults = insert_fields(Customer), field_defaults(Customer)
    done = 0
    while done < context.customers:
        size = min(CHUNK, context.customers - done)
        numbers = next_numbers("customer", size)
        codes = [format_code(n) for n in numbers]
        customer_rows = []
        plans = []  # per customer: (order dates, manager)
        for code in codes:
            city = rng.choice(CITIES)
            name = _company(rng).replace(rng.choice(CITIES), city, 1)
            manager = rng.choice(managers) if managers else None
            phone = f"0{rng.randint(10, 99)}-{rng.randint(2000_0000, 8999_9999)}"
            email = f"info{rng.randrange(10**6)}@{code.lower()}.demo.example"
            created = now - timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
            count = rng.choice((0, 1, 3, 5, 8, 10, 12, 15, 18, 20, 28))
            dates = sorted(
                today - timedelta(days=rng.randint(0, ORDER_YEARS * 365)) for _ in range(count)
            )
            quiet = not dates or (today - dates[-1]).days > CHURN_AFTER_DAYS
            stage = (
                "potential"
                if not dates
                else "new"
                if count <= 1
                else "growing"
                if count < 8
                else "declining"
                if quiet
                else "mature"
            )
            derived = search_fields(name=name, code=code, phone=phone, email=email)
            row = {
                **defaults,
                "code": code,
                "name": name,
                "account_manager": manager.pk if manager else None,
                "region": REGIONS[city],
                "industry": rng.choice(INDUSTRIES),
                "level": _weighted(rng, LEVELS),
                "credit_rating": str(rng.randint(2, 5)),
                "satisfaction": str(rng.randint(2, 5)),
                "source": rng.choice(SOURCES),
                "scale": rng.choice(["micro", "small", "medium", "large"]),
                "address": f"{city}市某区某路{rng.randint(1, 999)}号",
                "postcode": f"{rng.randint(100000, 999999)}",
                "phone": phone,
                "email": email,
                "registered_capital": Decimal(rng.randint(50, 5000) * 10000),
                "annual_revenue": Decimal(rng.randint(100, 50000) * 10000),
                "lifecycle_stage": stage,
                "lifecycle_derived": stage,
                "status": "churn_warning" if quiet and dates else "normal",
                "created_at": created,
                "updated_at": created,
                **derived,
            }
            customer_rows.append(tuple(row[name] for name in fields))
            plans.append((dates, manager))
        copy_rows(Customer, fields, customer_rows)
        ids = dict(
            Customer.objects.filter(code__gte=codes[0], code__lte=codes[-1]).values_list(
                "code", "pk"
            )
        )
        contact_rows, interaction_rows, order_rows, line_plans = [], [], [], []
        for code, (dates, manager) in zip(codes, plans, strict=True):
            customer_id = ids[code]
            for index in range(rng.choice((1, 1, 2, 3))):
                family, given = person_name(rng)
                contact_rows.append(
                    (
                        customer_id,
                        family + given,
                        rng.choice(["male", "female"]),
                        rng.choice(TITLES),
                        "",
                        mobile(rng),
                        "",
                        "",
                        index == 0,
                        now,
                        now,
                    )
                )
            for _ in range(rng.choice((0, 1, 2, 3, 4))):
                at = datetime.combine(
                    today - timedelta(days=rng.randint(0, 180)), time(rng.randint(9, 18)), tzinfo=tz
                )
                staff = manager or (rng.choice(service) if service else None)
                interaction_rows.append(
                    (
                        customer_id,
                        at,
                        rng.choice(CHANNELS),
                        "",
                        rng.choice(SUMMARIES),
                        "",
                        "",
                        rng.random() < 0.85,
                        staff.pk if staff else None,
                        now,
                        now,
                    )
                )
            for day in dates:
                product = rng.choice(products) if products else None
                quantity = Decimal(rng.randint(1, 20))
                price = product.price if product else Decimal(rng.randint(100, 5000))
                status = (
                    "completed" if (today - day).days > 30 else rng.choice(["confirmed", "shipped"])
                )
                order_rows.append(
                    [
                        None,
                        customer_id,
                        day,
                        status,
                        "",
                        quantity * price,
                        "",
                        manager.pk if manager else None,
                        now,
                        now,
                    ]
                )
                line_plans.append((product, quantity, price))
        copy_rows(Contact, CONTACT_FIELDS, contact_rows)
        copy_rows(Interaction, INTERACTION_FIELDS, interaction_rows)
        if order_rows:
            order_numbers = [f"SO{n:010d}" for n in next_numbers("order", len(order_rows))]
            for order_row, number in zip(order_rows, order_numbers, strict=True):
                order_row[0] = number
            copy_rows(Order, ORDER_FIELDS, [tuple(order_row) for order_row in order_rows])
            order_ids = dict(
                Order.objects.filter(
                    number__gte=order_numbers[0], number__lte=order_numbers[-1]
                ).values_list("number", "pk")
            )
            copy_rows(
                OrderLine,
                LINE_FIELDS,
                (
                    (
                        order_ids[number],
                        product.pk if product else None,
                        product.name if product else "服务",
                        quantity,
                        product.unit if product else "次",
                        price,
                        quantity * price,
                    )
                    for number, (product, quantity, price) in zip(
                        order_numbers, line_plans, strict=True
                    )
                ),
            )
        counts["customers"] += size
        counts["contacts"] += len(contact_rows)
        counts["interactions"] += len(interaction_rows)
        counts["orders"] += len(order_rows)
        done += size
        if context.on_progress:
            context.on_progress(done / context.customers)
    _tag_some(rng)
    context.counts.update(counts)


def _tag_some(rng: Any) -> None:
    """A few tags on the first customers, so the tag filter has something to find."""

    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS_AT_RANDOM]
    through = Customer.tags.through
    first = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    through.objects.bulk_create(
        [through(customer_id=pk, tag_id=rng.choice(tags).pk) for pk in first if rng.random() < 0.3],
        ignore_conflicts=True,
    )
