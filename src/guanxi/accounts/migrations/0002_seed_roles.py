"""The roles' permissions were seeded here as groups; they are now the code table in
``guanxi/accounts/permissions.py`` (0004 removes the groups), so this step does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations: list = []
