"""The lifecycle stage becomes derived: what the data says, and who set it by hand and why."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def derived_is_current(apps, schema_editor):
    """Until the first nightly run, the data is taken to say what the stage says now."""
    Customer = apps.get_model("customers", "Customer")
    Customer.objects.update(lifecycle_derived=models.F("lifecycle_stage"))


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0003_field_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='lifecycle_derived',
            field=models.CharField(choices=[('potential', 'Potential'), ('new', 'New'), ('growing', 'Growing'), ('mature', 'Mature'), ('declining', 'Declining'), ('churned', 'Churned')], default='potential', max_length=16, verbose_name='lifecycle stage from the data'),
        ),
        migrations.AddField(
            model_name='customer',
            name='lifecycle_reason',
            field=models.CharField(blank=True, max_length=200, verbose_name='why the stage was set by hand'),
        ),
        migrations.AddField(
            model_name='customer',
            name='lifecycle_set_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='lifecycle stage set at'),
        ),
        migrations.AddField(
            model_name='customer',
            name='lifecycle_set_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lifecycle stage set by'),
        ),
        migrations.RunPython(derived_is_current, migrations.RunPython.noop),
    ]
