"""The lifecycle rule's thresholds, and a strategy for each stage (editable; these are a start)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STRATEGIES = [
    (
        "potential",
        "了解需求、建立联系：通过产品介绍、样品或试用促成首单。",
        "Learn their needs and build the relationship: win the first order with demos, samples "
        "or a trial.",
    ),
    (
        "new",
        "做好首单交付并及时回访，介绍服务渠道和联系人，建立信任。",
        "Deliver the first order well and call back after it; introduce the service channels "
        "and their contacts, and build trust.",
    ),
    (
        "growing",
        "推荐相关产品（交叉销售、追加销售），提高购买频率和金额，争取成为主要供应商。",
        "Offer related products (cross-sell, up-sell), raise how often and how much they buy, "
        "and aim to become their main supplier.",
    ),
    (
        "mature",
        "维护关系：专属客户经理、会员权益和定期拜访，巩固忠诚度，请其推荐新客户。",
        "Keep the relationship: a dedicated account manager, member benefits and regular visits; "
        "reward loyalty and ask for referrals.",
    ),
    (
        "declining",
        "尽快找出原因（满意度、投诉、价格、竞争对手），制定挽留措施并跟进结果。",
        "Find out why quickly (satisfaction, complaints, price, competitors), take retention "
        "measures and follow them up.",
    ),
    (
        "churned",
        "分析流失原因并记录，择机开展赢回活动（新产品、优惠、高层拜访）。",
        "Record why they left and, when the time is right, try to win them back (new products, "
        "an offer, a visit by management).",
    ),
]


def seed_strategies(apps, schema_editor):
    """Also used by browser tests, which empty the tables."""
    Strategy = apps.get_model("analytics", "LifecycleStrategy")
    for stage, zh, en in STRATEGIES:
        Strategy.objects.get_or_create(stage=stage, defaults={"strategy_zh": zh, "strategy_en": en})


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0002_seed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='analyticssettings',
            name='churn_months',
            field=models.PositiveSmallIntegerField(default=6, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='months without an order before a churn warning'),
        ),
        migrations.AlterField(
            model_name='analyticssettings',
            name='clv_horizon_weeks',
            field=models.PositiveSmallIntegerField(default=52, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(520)], verbose_name='CLV horizon (weeks)'),
        ),
        migrations.AddField(
            model_name='analyticssettings',
            name='lifecycle_decline_percent',
            field=models.PositiveSmallIntegerField(default=30, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='declining: spend down by at least (%)'),
        ),
        migrations.AddField(
            model_name='analyticssettings',
            name='lifecycle_growth_percent',
            field=models.PositiveSmallIntegerField(default=20, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1000)], verbose_name='growing: spend up by at least (%)'),
        ),
        migrations.AddField(
            model_name='analyticssettings',
            name='lifecycle_new_months',
            field=models.PositiveSmallIntegerField(default=6, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(36)], verbose_name='a customer is new for (months after the first order)'),
        ),
        migrations.CreateModel(
            name='LifecycleStrategy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('potential', 'Potential'), ('new', 'New'), ('growing', 'Growing'), ('mature', 'Mature'), ('declining', 'Declining'), ('churned', 'Churned')], max_length=16, unique=True, verbose_name='lifecycle stage')),
                ('strategy_zh', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='strategy (Chinese)')),
                ('strategy_en', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='strategy (English)')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
            ],
            options={
                'verbose_name': 'lifecycle strategy',
                'verbose_name_plural': 'lifecycle strategies',
                'ordering': ['id'],
            },
        ),
        migrations.RunPython(seed_strategies, migrations.RunPython.noop),
    ]
