"""The default pipeline, the lost-reason dictionary and what each role may do in sales."""

from django.db import migrations

from guanxi.core.migration_helpers import grant_role_permissions, seed_dictionary_category

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
VIEW = [
    "sales.view_opportunity",
    "sales.view_developmentplanstep",
    "sales.view_activity",
    "sales.view_pipelinestage",
]
SELL = [
    "sales.add_opportunity",
    "sales.change_opportunity",
    "sales.add_developmentplanstep",
    "sales.change_developmentplanstep",
    "sales.add_activity",
    "sales.change_activity",
    "sales.delete_activity",
]
SUPERVISE = [
    "sales.assign_opportunity",
    "sales.manage_pipeline",
    "sales.view_leadform",
    "sales.view_assignmentrule",
]
ROLE_PERMISSIONS = {
    "sales_supervisor": [*VIEW, *SELL, *SUPERVISE],
    "account_manager": [*VIEW, *SELL],
    # Service staff keep their own to-dos and calls; they do not work the pipeline.
    "service_staff": [
        "sales.view_activity",
        "sales.add_activity",
        "sales.change_activity",
        "sales.delete_activity",
    ],
    "executive": VIEW,
}


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
    grant_role_permissions(apps, ROLE_PERMISSIONS, ["sales"])


def unseed(apps, schema_editor):
    apps.get_model("core", "DictCategory").objects.filter(code="lost_reason").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
        ("core", "0004_notification"),
        ("transfer", "0002_role_permissions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
