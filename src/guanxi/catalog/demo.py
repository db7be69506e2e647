"""Demo products, two warehouses and stock at bin locations."""

from decimal import Decimal

from guanxi.catalog.models import Product, StockItem, Warehouse
from guanxi.core.sequences import bump_to
from guanxi.demo.context import DemoContext

# (name, model, unit, price)
PRODUCTS = [
    ("工业控制器", "GX-100", "台", "12800"),
    ("工业控制器", "GX-200", "台", "18600"),
    ("伺服电机", "SM-750W", "台", "2350"),
    ("伺服电机", "SM-1.5KW", "台", "3980"),
    ("变频器", "VF-5.5", "台", "4200"),
    ("传感器", "PT100", "个", "180"),
    ("传感器", "光电 E3Z", "个", "260"),
    ("触摸屏", "HMI-10", "台", "3600"),
    ("电源模块", "PS-24V", "个", "420"),
    ("网关", "IoT-G1", "台", "2900"),
    ("数据采集软件", "标准版", "套", "9800"),
    ("数据采集软件", "企业版", "套", "36000"),
    ("运维服务", "年度", "年", "15000"),
    ("安装调试", "现场", "次", "3000"),
    ("培训课程", "两天", "次", "6000"),
    ("备件包", "A 类", "套", "1200"),
    ("线缆", "屏蔽 4 芯", "米", "12"),
    ("机柜", "42U", "台", "5600"),
    ("UPS 电源", "3KVA", "台", "4800"),
    ("工控机", "IPC-610", "台", "8900"),
]
WAREHOUSES = [("SH01", "上海仓", "上海市嘉定区"), ("GZ01", "广州仓", "广州市黄埔区")]


def generate_catalog(context: DemoContext) -> None:
    if Product.objects.exists():
        context.made["products"] = list(Product.objects.order_by("pk"))
        return
    rng = context.rng
    products = Product.objects.bulk_create(
        [
            Product(
                code=f"P{index:06d}",
                name=name,
                model=model,
                grade=rng.choice(["A", "B", "2026-01", "2026-02"]),
                unit=unit,
                price=Decimal(price),
            )
            for index, (name, model, unit, price) in enumerate(PRODUCTS, start=1)
        ]
    )
    bump_to("product", len(products))
    warehouses = Warehouse.objects.bulk_create(
        [Warehouse(code=code, name=name, address=address) for code, name, address in WAREHOUSES]
    )
    stock = [
        StockItem(
            product=product,
            warehouse=warehouse,
            location=f"{rng.choice('ABCD')}-{rng.randint(1, 20):02d}-{rng.randint(1, 5)}",
            quantity=Decimal(rng.randint(0, 500)),
        )
        for product in products
        for warehouse in warehouses
        if rng.random() < 0.8
    ]
    StockItem.objects.bulk_create(stock)
    context.made["products"] = products
    context.counts["products"] = len(products)
    context.counts["stock items"] = len(stock)
