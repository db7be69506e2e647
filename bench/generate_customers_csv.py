"""Data generator: a CSV of N customers with Chinese headers, as a sales team would export them.

.venv/bin/python bench/generate_customers_csv.py 1000000 /tmp/customers-1m.csv
"""

import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from guanxi.demo.names import CITIES, GIVEN_CHARS, company_name, person_name

HEADER = [
    "客户编号",
    "客户名称",
    "客户等级",
    "地区",
    "行业",
    "电话",
    "邮箱",
    "法人代表",
    "注册资金",
    "地址",
]
LEVELS = ["普通客户", "重点开发客户", "大客户", "合作伙伴", "战略合作伙伴"]
REGIONS = {"北京": "北京", "上海": "上海", "广州": "广东", "深圳": "广东", "杭州": "浙江",
           "南京": "江苏", "苏州": "江苏", "成都": "四川", "武汉": "湖北", "西安": "陕西",
           "天津": "天津", "重庆": "重庆"}  # fmt: skip
INDUSTRIES = ["制造业", "信息技术", "零售", "批发贸易", "物流运输", "医疗健康", "建筑", "能源"]


def rows(count: int, seed: int = 2026):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    for index in range(1, count + 1):
        city = rng.choice(CITIES)
        brand = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
        name = city + brand + company_name(rng)[len(city) :]
        family, given = person_name(rng)
        yield [
            f"B{index:09d}",
            name,
            rng.choice(LEVELS),
            REGIONS[city],
            rng.choice(INDUSTRIES),
            f"0{rng.randint(10, 99)}-{rng.randint(20000000, 89999999)}",
            f"info{index}@example.com",
            family + given,
            rng.randint(50, 5000) * 10000,
            f"{city}市某区某路{rng.randint(1, 999)}号",
        ]


def main() -> int:
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(count))
    print(f"wrote {count} customers to {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
