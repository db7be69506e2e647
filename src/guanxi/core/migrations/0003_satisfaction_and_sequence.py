from django.db import migrations, models

SATISFACTION = [
    ("1", "1 – Very dissatisfied", "1 – 很不满意"),
    ("2", "2 – Dissatisfied", "2 – 不满意"),
    ("3", "3 – Neutral", "3 – 一般"),
    ("4", "4 – Satisfied", "4 – 满意"),
    ("5", "5 – Very satisfied", "5 – 非常满意"),
]


def seed(apps, schema_editor):
    DictCategory = apps.get_model("core", "DictCategory")
    DictItem = apps.get_model("core", "DictItem")
    category, _ = DictCategory.objects.get_or_create(
        code="satisfaction",
        defaults={
            "label_en": "Satisfaction",
            "label_zh": "满意度",
            "order": 25,
            "editable": False,
        },
    )
    for order, (code, label_en, label_zh) in enumerate(SATISFACTION, start=1):
        DictItem.objects.get_or_create(
            category=category,
            code=code,
            defaults={"label_en": label_en, "label_zh": label_zh, "order": order, "editable": False},
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "DictCategory").objects.filter(code="satisfaction").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_dictionary")]
    operations = [
        migrations.CreateModel(
            name="Sequence",
            fields=[
                ("name", models.CharField(max_length=50, primary_key=True, serialize=False)),
                ("last", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "number sequence", "verbose_name_plural": "number sequences"},
        ),
        migrations.RunPython(seed, unseed),
    ]
