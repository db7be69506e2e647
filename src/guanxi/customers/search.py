"""What makes a customer findable: normalised text, pinyin and character bigrams.

``search_text`` holds the lower-cased name, its full pinyin and pinyin initials, phone, e-mail
and code; a trigram index (PostgreSQL) serves substring queries of three or more characters.
Two-character queries — the most common in Chinese (科技, 建国) — get no help from trigrams,
so ``search_bigrams`` holds every two-character window of the name and of its initials,
indexed as an array on PostgreSQL (see docs/decisions/0002-customer-search.md).
"""

import functools
import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from pypinyin import Style, lazy_pinyin
from pypinyin.seg import mmseg

# Family names whose reading differs from the character's everyday reading.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "查": "zha",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "翟": "zhai",
    "盖": "ge",
    "乐": "yue",
    "尉": "yu",
    "缪": "miao",
    "覃": "qin",
    "牟": "mu",
    "黑": "he",
    "员": "yun",
    "种": "chong",
    "秘": "bi",
    "召": "shao",
}

# Legal-form words that do not tell two companies apart (for duplicate detection).
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "集团",
    "co.,ltd.",
    "co., ltd.",
    "co.,ltd",
    "co. ltd",
    "limited",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "gmbh",
    "llc",
)
PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def normalise(text: str) -> str:
    """Lower case, full-width folded to half-width (ＡＢＣ１２３ → abc123)."""
    return unicodedata.normalize("NFKC", text).strip().lower()


@functools.lru_cache(maxsize=100_000)
def _word_pinyin(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


def _syllables(text: str) -> list[str]:
    """``lazy_pinyin`` of the text, about ten times faster on bulk imports.

    pypinyin splits Chinese text into words before reading it; caching the reading of each
    word gives the same result (phrases still decide heteronyms: 重庆 chongqing) while the
    common words of company names (有限公司, 科技, 上海) are read once per process.
    """
    if not HAN_ONLY.match(text):
        return lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    syllables: list[str] = []
    for word in mmseg.seg.cut(text):
        syllables.extend(_word_pinyin(word))
    return syllables


def pinyin_forms(name: str, *, person: bool = False) -> tuple[str, str]:
    """Full pinyin and initials of the Chinese characters in ``name`` ("zhangsanfeng", "zsf")."""
    syllables = _syllables(name)
    if person and name and name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    syllables = [s for s in syllables if s.isascii() and s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)


def name_key(name: str) -> str:
    """The name with legal forms and punctuation removed: near-identical names share a key."""
    key = normalise(name)
    for form in LEGAL_FORMS:
        key = key.replace(form, "")
    key = key.replace("（", "(").replace("）", ")")
    key = re.sub(r"\((中国|china)\)", "", key)
    return PUNCTUATION.sub("", key)[:200]


def bigrams(*parts: str) -> str:
    grams: dict[str, None] = {}
    for part in parts:
        compact = PUNCTUATION.sub("", part)
        for i in range(len(compact) - 1):
            grams[compact[i : i + 2]] = None
    return " ".join(grams)


def search_fields(
    *, name: str, code: str, phone: str = "", email: str = "", person: bool = False
) -> dict[str, str]:
    """The derived columns for a customer with these values."""
    normal = normalise(name)
    full, initials = pinyin_forms(normal, person=person)
    text = " ".join(part for part in (normal, full, initials, phone, email, code.lower()) if part)
    return {
        "name_key": name_key(name),
        "search_text": text,
        "search_bigrams": bigrams(normal, initials),
    }


def archived_filter(archived: bool, *, searching: bool) -> Q | RawSQL:
    """The archived / not archived condition every customer list starts from.

    SQLite cannot tell how rare a ``LIKE '%…%'`` match is; it walks the (archived_at, sort key)
    index in order and tests every customer for a rare term (125 ms at 100,000 customers),
    where a plain scan and sort takes 33 ms. The unary ``+`` keeps it off that index while
    searching; PostgreSQL judges by its trigram statistics and needs no help.
    """
    if searching and connection.vendor == "sqlite":
        condition = "IS NOT NULL" if archived else "IS NULL"
        return RawSQL(
            f'+"customers_customer"."archived_at" {condition}', (), output_field=BooleanField()
        )
    return Q(archived_at__isnull=not archived)


def filter_search(queryset: QuerySet, q: str) -> QuerySet:
    """Customers matching ``q`` by name, pinyin, initials, phone, e-mail or code."""
    term = normalise(q)
    term = re.sub(r"\s+", "", term) if not term.isascii() else term
    if not term:
        return queryset
    if len(term) == 2 and connection.vendor == "postgresql":
        # Served by the GIN index on string_to_array(search_bigrams, ' ').
        return queryset.filter(
            RawSQL(
                "string_to_array(search_bigrams, ' ') @> ARRAY[%s]::text[]",
                (term,),
                output_field=BooleanField(),
            )
        )
    return queryset.filter(search_text__contains=term)
