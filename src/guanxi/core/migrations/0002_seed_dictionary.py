"""Seed the data dictionary with the values the specification names.

Items marked protected (editable=False) carry meaning the system relies on: they cannot be
changed or deleted, only new items may be added beside them.
"""

from django.db import migrations

# (code, English, Chinese, category editable, [(code, English, Chinese, item editable)])
CATEGORIES = [
    ("customer_level", "Customer levels", "客户等级", True, [
        ("ordinary", "Ordinary customer", "普通客户", False),
        ("key_prospect", "Key prospect", "重点开发客户", False),
        ("major", "Major customer", "大客户", False),
        ("partner", "Partner", "合作伙伴", False),
        ("strategic_partner", "Strategic partner", "战略合作伙伴", False),
    ]),
    ("credit_rating", "Credit ratings", "信用度", False, [
        ("1", "1 – Very poor", "1 – 很差", False),
        ("2", "2 – Poor", "2 – 较差", False),
        ("3", "3 – Fair", "3 – 一般", False),
        ("4", "4 – Good", "4 – 良好", False),
        ("5", "5 – Excellent", "5 – 优秀", False),
    ]),
    ("service_type", "Service types", "服务类型", True, [
        ("inquiry", "Inquiry", "咨询", False),
        ("suggestion", "Suggestion", "建议", False),
        ("complaint", "Complaint", "投诉", False),
    ]),
    ("region", "Regions", "地区", True, [
        ("beijing", "Beijing", "北京", False),
        ("tianjin", "Tianjin", "天津", False),
        ("hebei", "Hebei", "河北", False),
        ("shanxi", "Shanxi", "山西", False),
        ("inner_mongolia", "Inner Mongolia", "内蒙古", False),
        ("liaoning", "Liaoning", "辽宁", False),
        ("jilin", "Jilin", "吉林", False),
        ("heilongjiang", "Heilongjiang", "黑龙江", False),
        ("shanghai", "Shanghai", "上海", False),
        ("jiangsu", "Jiangsu", "江苏", False),
        ("zhejiang", "Zhejiang", "浙江", False),
        ("anhui", "Anhui", "安徽", False),
        ("fujian", "Fujian", "福建", False),
        ("jiangxi", "Jiangxi", "江西", False),
        ("shandong", "Shandong", "山东", False),
        ("henan", "Henan", "河南", False),
        ("hubei", "Hubei", "湖北", False),
        ("hunan", "Hunan", "湖南", False),
        ("guangdong", "Guangdong", "广东", False),
        ("guangxi", "Guangxi", "广西", False),
        ("hainan", "Hainan", "海南", False),
        ("chongqing", "Chongqing", "重庆", False),
        ("sichuan", "Sichuan", "四川", False),
        ("guizhou", "Guizhou", "贵州", False),
        ("yunnan", "Yunnan", "云南", False),
        ("tibet", "Tibet", "西藏", False),
        ("shaanxi", "Shaanxi", "陕西", False),
        ("gansu", "Gansu", "甘肃", False),
        ("qinghai", "Qinghai", "青海", False),
        ("ningxia", "Ningxia", "宁夏", False),
        ("xinjiang", "Xinjiang", "新疆", False),
        ("hong_kong", "Hong Kong", "香港", False),
        ("macao", "Macao", "澳门", False),
        ("taiwan", "Taiwan", "台湾", False),
        ("overseas", "Overseas", "海外", True),
    ]),
    ("industry", "Industries", "行业", True, [
        ("manufacturing", "Manufacturing", "制造业", True),
        ("information_technology", "Information technology", "信息技术", True),
        ("finance", "Finance", "金融", True),
        ("retail", "Retail", "零售", True),
        ("wholesale", "Wholesale and trade", "批发贸易", True),
        ("construction", "Construction", "建筑", True),
        ("real_estate", "Real estate", "房地产", True),
        ("healthcare", "Healthcare", "医疗健康", True),
        ("education", "Education", "教育", True),
        ("logistics", "Logistics", "物流运输", True),
        ("energy", "Energy", "能源", True),
        ("agriculture", "Agriculture", "农业", True),
        ("hospitality", "Hotels and catering", "酒店餐饮", True),
        ("media", "Culture and media", "文化传媒", True),
        ("public_sector", "Government and public sector", "政府与公共事业", True),
        ("other", "Other", "其他", True),
    ]),
    ("source", "Customer sources", "客户来源", True, [
        ("referral", "Customer referral", "客户推荐", True),
        ("website", "Website", "官网", True),
        ("trade_show", "Trade show", "展会", True),
        ("cold_call", "Cold call", "电话开发", True),
        ("advertising", "Advertising", "广告", True),
        ("partner_referral", "Partner referral", "合作伙伴推荐", True),
        ("social_media", "Social media", "社交媒体", True),
        ("other", "Other", "其他", True),
    ]),
    ("channel", "Interaction channels", "交往渠道", True, [
        ("phone", "Phone", "电话", False),
        ("email", "E-mail", "邮件", False),
        ("visit", "Visit", "拜访", False),
        ("meeting", "Meeting", "会议", False),
        ("wechat", "WeChat", "微信", False),
        ("online", "Online", "在线", False),
    ]),
]


def seed(apps, schema_editor):
    DictCategory = apps.get_model("core", "DictCategory")
    DictItem = apps.get_model("core", "DictItem")
    for order, (code, label_en, label_zh, editable, items) in enumerate(CATEGORIES, start=1):
        category = DictCategory.objects.create(
            code=code, label_en=label_en, label_zh=label_zh, order=order * 10, editable=editable
        )
        DictItem.objects.bulk_create(
            DictItem(
                category=category,
                code=item_code,
                label_en=item_en,
                label_zh=item_zh,
                order=item_order * 10,
                editable=item_editable,
            )
            for item_order, (item_code, item_en, item_zh, item_editable) in enumerate(
                items, start=1
            )
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "DictCategory").objects.filter(
        code__in=[category[0] for category in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
