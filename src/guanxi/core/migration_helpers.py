"""Helpers for data migrations that give the seeded roles the permissions of new modules."""

from django.contrib.auth.management import create_permissions


def grant_role_permissions(apps, role_permissions: dict[str, list[str]], app_labels: list[str]):
    """Add each role's ``app.codename`` permissions; administrators get all of ``app_labels``."""
    # Permissions are normally created after all migrations; these are needed now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=app_labels)
    )
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


def seed_dictionary_category(
    apps, code: str, labels: tuple[str, str], order: int, items: list[tuple[str, str, str]]
) -> None:
    """A dictionary category and its items (code, English, Chinese), leaving existing ones be."""
    DictCategory = apps.get_model("core", "DictCategory")
    DictItem = apps.get_model("core", "DictItem")
    category, _ = DictCategory.objects.get_or_create(
        code=code, defaults={"label_en": labels[0], "label_zh": labels[1], "order": order}
    )
    for position, (item_code, label_en, label_zh) in enumerate(items, start=1):
        DictItem.objects.get_or_create(
            category=category,
            code=item_code,
            defaults={"label_en": label_en, "label_zh": label_zh, "order": position * 10},
        )
