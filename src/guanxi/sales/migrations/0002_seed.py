"""The default pipeline and the lost-reason dictionary."""

from django.db import migrations

from guanxi.core.migration_helpers import seed_dictionary_category

# (code, English, Chinese, default probability %)
STAGES = [
    ("qualification", "Qualification", "初步接洽", 10),
    ("needs_analysis", "Needs analysis", "需求分析", 30),
    ("proposal", "Proposal / quote", "方案报价", 60),
    ("negotiation", "Negotiation", "商务谈判", 80),
]
LOST_REASONS = [
    ("price", "Price too high", "价格过高"),
    ("competitor", "Chose a competitor", "选择了竞争对手"),
    ("no_budget", "No budget", "没有预算"),
    ("no_need", "No real need", "没有实际需求"),
    ("unreachable", "Could not be reached", "联系不上"),
    ("timing", "Not the right time", "时机不成熟"),
    ("other", "Other", "其他"),
]


def seed_pipeline(apps, schema_editor):
    """The stages and the lost reasons (also used by browser tests, which empty the tables)."""
    PipelineStage = apps.get_model("sales", "PipelineStage")
    for order, (code, label_en, label_zh, probability) in enumerate(STAGES, start=1):
        PipelineStage.objects.get_or_create(
            code=code,
            defaults={
                "label_en": label_en,
                "label_zh": label_zh,
                "order": order * 10,
                "probability": probability,
            },
        )
    seed_dictionary_category(apps, "lost_reason", ("Reasons lost", "开发失败原因"), 90, LOST_REASONS)


def seed(apps, schema_editor):
    seed_pipeline(apps, schema_editor)


def unseed(apps, schema_editor):
    apps.get_model("core", "DictCategory").objects.filter(code="lost_reason").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
        ("core", "0004_notification"),
        ("transfer", "0002_role_permissions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
