"""Finding a service item as the clerk types: name, implementation code, department,
full pinyin or pinyin initials ("gtgs" → 个体工商户…).

The index is one string of all search keys, so a keystroke is a handful of C-level
`str.find` calls instead of a Python loop over 20,000 items.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), lower-case; non-Chinese kept as is."""
    # Imported here: only a catalog import needs it (keys are stored), and it costs a
    # fifth of the app's start-up time.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full, initials


def search_key(name: str, implementation_code: str, basic_code: str, department: str) -> str:
    full, initials = pinyin_keys(name)
    dept_full, dept_initials = pinyin_keys(department)
    parts = [name, implementation_code, basic_code, department, full, initials, dept_full, dept_initials]
    return "\x1e".join(p.lower() for p in parts if p)


@dataclass(frozen=True)
class IndexedItem:
    item_id: int
    name: str
    implementation_code: str
    department: str
    status: str


def normalise_query(text: str) -> str:
    # Full-width letters/digits from a Chinese IME and stray spaces should still match.
    table = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF21 + i: 0x61 + i for i in range(26)}
    table |= {0xFF41 + i: 0x61 + i for i in range(26)} | {0x3000: 0x20}
    return "".join(text.translate(table).lower().split())


class CatalogIndex:
    def __init__(self, rows: list[tuple[IndexedItem, str]], usage: dict[int, int] | None = None):
        self._items = [item for item, _ in rows]
        # How often this window took each item in (recent cases): what a clerk does every day
        # comes first, ahead of a better-spelled match she rarely needs.
        used = usage or {}
        self._used = [used.get(item.item_id, 0) for item in self._items]
        self._names = [item.name.lower() for item in self._items]
        self._codes = [item.implementation_code.lower() for item in self._items]
        starts: list[int] = []
        chunks: list[str] = []
        pos = 0
        for _, key in rows:
            starts.append(pos)
            chunks.append(key)
            pos += len(key) + 1
        self._starts = starts
        self._blob = "\n".join(chunks)

    def __len__(self) -> int:
        return len(self._items)

    def search(self, query: str, limit: int = 50, scan_cap: int = 400) -> list[IndexedItem]:
        """Best matches first: an exact code; then the items this window uses most; then name
        prefix, name substring, anything else; then catalog order.

        At most `scan_cap` hits are ranked: a one-letter query matches thousands, and the
        next keystroke narrows it anyway.
        """
        q = normalise_query(query)
        if not q:
            return self._items[:limit]
        hits: list[int] = []
        blob, find, pos = self._blob, self._blob.find, 0
        while len(hits) < scan_cap:
            at = find(q, pos)
            if at < 0:
                break
            idx = bisect_right(self._starts, at) - 1
            hits.append(idx)
            # Jump to the next item: one hit per item is enough.
            pos = self._starts[idx + 1] if idx + 1 < len(self._starts) else len(blob)
        hits.sort(key=lambda i: self._rank(i, q))
        return [self._items[i] for i in hits[:limit]]

    def _rank(self, i: int, q: str) -> tuple[int, int, int, int]:
        if self._codes[i] == q:
            return (0, 0, 0, i)
        tier = 1 if self._names[i].startswith(q) else 2 if q in self._names[i] else 3
        return (1, -self._used[i], tier, i)
