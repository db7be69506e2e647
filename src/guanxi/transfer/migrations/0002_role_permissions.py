"""What each role may do with customers, products, stock, orders and imports was granted here;
it is now the code table in ``guanxi/accounts/permissions.py``, so this step does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_seed_roles"),
        ("customers", "0001_initial"),
        ("catalog", "0001_initial"),
        ("orders", "0001_initial"),
        ("transfer", "0001_initial"),
    ]
    operations: list = []
