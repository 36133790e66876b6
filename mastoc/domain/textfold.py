"""Accent- and case-insensitive text matching: `fold(text)` is what name search compares.

Latin letters with diacritics (U+00C0–U+017F: é, È, ç, œ, ß, ł, …) become their plain ASCII
letters and ASCII letters become lower case, so `echauffe`, `ÉCHAUFFE` and `échauffé` fold to the
same text. Other characters are kept as they are. The same function fills the store's
`climbs.name_search` column (registered in SQLite as `mastoc_fold`) and folds the searched text, so
the two sides always agree.
"""

from __future__ import annotations

import unicodedata

# letters that do not decompose into a base letter and a combining mark
_SPECIAL = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ß": "ss", "ł": "l", "Ł": "l",
            "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h",
            "ŧ": "t", "Ŧ": "t", "ŀ": "l", "Ŀ": "l", "ĸ": "k", "ŉ": "n", "ŋ": "n", "Ŋ": "n"}


def _table() -> dict[int, str]:
    table: dict[int, str] = {cp: chr(cp).lower() for cp in range(ord("A"), ord("Z") + 1)}
    for cp in range(0xC0, 0x180):
        ch = chr(cp)
        if ch in _SPECIAL:
            table[cp] = _SPECIAL[ch]
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).lower()
        if base and base.isascii() and base != ch:
            table[cp] = base
    return table


_TABLE = _table()


def fold(text: str | None) -> str:
    """`text` without Latin diacritics, ASCII letters in lower case ('' for None)."""
    if not text:
        return ""
    # combining marks written separately (e + U+0301) first join their letter
    return unicodedata.normalize("NFC", text).translate(_TABLE)
