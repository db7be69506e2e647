"""Helpers for data migrations."""


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
