"""The churn-reason dictionary."""

from django.db import migrations

from guanxi.core.migration_helpers import seed_dictionary_category

CHURN_REASONS = [
    ("price", "Price", "价格原因"),
    ("competitor", "Moved to a competitor", "转向竞争对手"),
    ("service", "Unhappy with service", "对服务不满意"),
    ("quality", "Product quality", "产品质量问题"),
    ("no_demand", "No more demand", "需求消失"),
    ("closed", "Business closed or merged", "停业或被并购"),
    ("contact_lost", "Contact person left", "联系人离职"),
    ("other", "Other", "其他"),
]


def seed_churn_reasons(apps, schema_editor):
    """The churn reasons (also used by browser tests, which empty the tables)."""
    seed_dictionary_category(
        apps, "churn_reason", ("Churn reasons", "流失原因"), 95, CHURN_REASONS
    )


def seed(apps, schema_editor):
    seed_churn_reasons(apps, schema_editor)


def unseed(apps, schema_editor):
    apps.get_model("core", "DictCategory").objects.filter(code="churn_reason").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("service", "0002_seed"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
