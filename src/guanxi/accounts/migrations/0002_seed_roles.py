"""Seed the five roles as groups, named by role code, with their permissions.

Administrators hold every permission through ``RoleBackend``; their group lists the
permissions that exist now, so the role reads right wherever groups are shown.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_DICTIONARY = ["core.view_dictcategory", "core.view_dictitem"]
VIEW_PEOPLE = ["accounts.view_user", "accounts.view_team"]

ROLE_PERMISSIONS = {
    "sales_supervisor": [*VIEW_DICTIONARY, *VIEW_PEOPLE],
    "account_manager": VIEW_DICTIONARY,
    "service_staff": VIEW_DICTIONARY,
    "executive": [*VIEW_DICTIONARY, *VIEW_PEOPLE],
}


def seed(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(names):
        wanted = [name.split(".") for name in names]
        found = Permission.objects.none()
        for app_label, codename in wanted:
            found |= Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        return found

    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["accounts", "core"])
    )
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions(names))


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["administrator", *ROLE_PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
