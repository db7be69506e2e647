"""What each role may do with customers, products, stock, orders and imports."""

from django.db import migrations

from guanxi.core.migration_helpers import grant_role_permissions

VIEW_ALL = [
    "customers.view_customer",
    "customers.view_contact",
    "customers.view_interaction",
    "catalog.view_product",
    "catalog.view_warehouse",
    "catalog.view_stockitem",
    "orders.view_order",
]
SELL = [
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
    "customers.add_interaction",
    "customers.change_interaction",
    "customers.delete_interaction",
    "orders.add_order",
    "orders.change_order",
    "transfer.import_data",
    "transfer.export_data",
]
SUPERVISE = [
    "customers.delete_customer",
    "customers.reassign_customer",
    "customers.merge_customer",
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_warehouse",
    "catalog.change_warehouse",
    "catalog.change_stockitem",
]

ROLE_PERMISSIONS = {
    "sales_supervisor": [*VIEW_ALL, *SELL, *SUPERVISE],
    "account_manager": [*VIEW_ALL, *SELL],
    "service_staff": [*VIEW_ALL, "customers.add_interaction", "transfer.export_data"],
    "executive": [*VIEW_ALL, "transfer.export_data"],
}


def seed(apps, schema_editor):
    grant_role_permissions(
        apps, ROLE_PERMISSIONS, ["customers", "catalog", "orders", "transfer"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_seed_roles"),
        ("customers", "0001_initial"),
        ("catalog", "0001_initial"),
        ("orders", "0001_initial"),
        ("transfer", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
