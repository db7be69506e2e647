"""The roles' permissions are the code table in ``guanxi/accounts/permissions.py``: the groups
that held them before are no longer read, so they go."""

from django.db import migrations

ROLE_GROUPS = ["administrator", "sales_supervisor", "account_manager", "service_staff", "executive"]


def retire(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_list_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
