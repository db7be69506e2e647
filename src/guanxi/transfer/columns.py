"""Column definitions: each file column maps to a field by its English or Chinese name."""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _

NON_WORD = re.compile(r"[\s_\-()（）/*:：]+")


def header_key(text: str) -> str:
    return NON_WORD.sub("", text.strip().lower())


@dataclass(frozen=True)
class Column:
    field: str
    label: str | Promise  # the translated header used in exports
    aliases: tuple[str, ...] = ()
    required: bool = False

    def header_keys(self) -> set[str]:
        return {header_key(self.field), header_key(str(self.label))} | {
            header_key(alias) for alias in self.aliases
        }


class HeaderError(Exception):
    def __init__(self, errors: list[dict]) -> None:
        super().__init__("bad header")
        self.errors = errors


def map_header(header: list[str], columns: list[Column]) -> dict[str, int]:
    """Field name → position in the row. Unknown headers are ignored; missing required ones fail."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for key in column.header_keys():
            lookup.setdefault(key, column)
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        match = lookup.get(header_key(title))
        if match is not None and match.field not in positions:
            positions[match.field] = index
    missing = [c for c in columns if c.required and c.field not in positions]
    if missing:
        raise HeaderError(
            [
                {
                    "row": 1,
                    "column": str(c.label),
                    "message": _("The file has no “%(column)s” column (also accepted: %(names)s).")
                    % {"column": c.label, "names": ", ".join([c.field, *c.aliases])},
                }
                for c in missing
            ]
        )
    return positions
