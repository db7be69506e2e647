"""Realistic Chinese (and some international) names, companies and phone numbers.

Everything draws from a ``random.Random`` passed in, so one seed always gives the same data.
"""

import random

from pypinyin import lazy_pinyin

# The most common family names, roughly by frequency; compound names appear too.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁"
    "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官"]
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    "玉兰建国志红文斌浩宇欣怡子涵梓轩雨婷佳琪俊杰思远晓东海燕雪梅"
)
WESTERN_FIRST = ["Emily", "David", "Sarah", "Michael", "Anna", "James", "Laura", "Thomas"]
WESTERN_LAST = ["Smith", "Müller", "Johnson", "Brown", "Schmidt", "Martin", "Wilson", "Tanaka"]

CITIES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "天津",
    "重庆",
]
COMPANY_CORES = [
    "华信",
    "宏达",
    "恒通",
    "金鼎",
    "瑞丰",
    "博远",
    "新元",
    "天成",
    "鼎盛",
    "海纳",
    "中科",
    "永泰",
    "志诚",
    "长城",
    "东方",
    "汇智",
    "嘉禾",
    "明德",
    "盛世",
    "联创",
    "锦程",
    "正和",
    "启航",
    "卓越",
]
COMPANY_TRADES = [
    "科技",
    "信息技术",
    "电子",
    "机械",
    "贸易",
    "物流",
    "医药",
    "新材料",
    "建设",
    "食品",
    "软件",
    "能源",
    "传媒",
    "教育科技",
    "环保",
]
COMPANY_FORMS = ["有限公司", "股份有限公司", "集团有限公司"]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]


def person_name(rng: random.Random) -> tuple[str, str]:
    """A (family name, given name) pair; about 1 in 25 is a Western name."""
    if rng.random() < 0.04:
        return rng.choice(WESTERN_LAST), rng.choice(WESTERN_FIRST)
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.02 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return surname, given


def company_name(rng: random.Random) -> str:
    return (
        rng.choice(CITIES)
        + rng.choice(COMPANY_CORES)
        + rng.choice(COMPANY_TRADES)
        + rng.choice(COMPANY_FORMS)
    )


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def username_for(family: str, given: str, taken: set[str]) -> str:
    """Pinyin of the name ("zhangwei"), with a number added when it is taken."""
    base = "".join(lazy_pinyin(family + given)).lower()
    base = "".join(ch for ch in base if ch.isascii() and ch.isalnum()) or "user"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate)
    return candidate
