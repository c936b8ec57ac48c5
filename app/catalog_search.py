"""Finding a service item as the clerk types: name, implementation code, department,
full pinyin or pinyin initials ("gtgs" → 个体工商户…).

The index holds all search keys in two long strings (their ASCII runs; their Chinese parts),
so a keystroke is a handful of C-level `str.find` calls instead of a Python loop over 20,000
items. And a keystroke usually adds a character to what was typed: every item holding
"个体工商户变" also held "个体工商户", so once a query's matches are all known, the next,
longer query only looks inside those items' keys instead of a string of millions of characters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass

# Recent queries whose matches are all known, kept to narrow from: typing forwards needs the
# last one, deleting a character and typing again the few before it.
RECENT_COMPLETE = 8
KNOWN_CAP = 1000


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


_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


def _latin_text(key: str) -> str:
    """Every run of ASCII in the key: the codes and pinyin whole, and "icp" or "2" out of a
    name. An ASCII query's match lies inside one such run, so this is all it need look at."""
    return "\x1e".join([run for part in key.split("\x1e") for run in _ASCII_RUN.findall(part)])


def _other_text(key: str) -> str:
    """The parts with Chinese in them (names, departments), whole: where any other query can be."""
    return "\x1e".join([p for p in key.split("\x1e") if not p.isascii()])


class _Keys:
    """One searchable string of one text per item, "\n" between them."""

    def __init__(self, texts: list[str]):
        starts: list[int] = []
        pos = 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + 1
        self.starts = starts
        self.ends = [*starts[1:], pos]  # where each text's search stops (its "\n", or past the end)
        self.blob = "\n".join(texts)

    def holds(self, item: int, q: str) -> bool:
        return self.blob.find(q, self.starts[item], self.ends[item]) >= 0

    def scan(self, q: str, cap: int) -> tuple[list[int], bool]:
        """The first `cap` items holding `q`, and whether that is all of them."""
        hits: list[int] = []
        find, starts, ends, pos = self.blob.find, self.starts, self.ends, 0
        while len(hits) < cap:
            at = find(q, pos)
            if at < 0:
                return hits, True
            idx = bisect_right(starts, at) - 1
            hits.append(idx)
            pos = ends[idx]  # the next item: one hit per item is enough
        return hits, False


class CatalogIndex:
    def __init__(self, rows: list[tuple[IndexedItem, str]], usage: dict[int, int] | None = None):
        self._items = [item for item, _ in rows]
        # How often this window took each item in (recent cases): what a clerk does every day
        # comes first, ahead of a better-spelled match she rarely needs.
        used = usage or {}
        self._used = [used.get(item.item_id, 0) for item in self._items]
        self._names = [item.name.lower() for item in self._items]
        self._codes = [item.implementation_code.lower() for item in self._items]
        # Two strings instead of one: Python stores a string with any Chinese in it at two bytes
        # a character, and a keystroke with few matches reads all of it. A Latin query (pinyin,
        # initials, a code: most typing) reads only the ASCII runs, at one byte a character; a
        # Chinese one only the Chinese parts.
        self._latin = _Keys([_latin_text(key) for _, key in rows])
        self._other = _Keys([_other_text(key) for _, key in rows])
        # query → every item holding it, in catalog order. Used from the UI thread only, as the
        # finder that owns the index is.
        self._complete: OrderedDict[str, list[int]] = OrderedDict()

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
        hits = sorted(self._matches(q, scan_cap), key=lambda i: self._rank(i, q))
        return [self._items[i] for i in hits[:limit]]

    def _matches(self, q: str, scan_cap: int) -> list[int]:
        """The first `scan_cap` items (catalog order) whose key holds `q`."""
        keys = self._latin if q.isascii() else self._other
        within = self._known_superset(q)
        if within is not None:  # only those items can hold q: look inside their keys alone
            hits = [i for i in within if keys.holds(i, q)]
            self._remember(q, hits)
            return hits[:scan_cap]
        # Past the cap from two characters on: a query matching a few hundred items is read to
        # the end anyway (its matches are spread over the whole string), and knowing them all
        # lets the keystrokes after it narrow instead of reading it all again.
        hits, complete = keys.scan(q, scan_cap if len(q) < 2 else max(scan_cap, KNOWN_CAP))
        if complete:  # the whole catalog was looked at: these are all
            self._remember(q, hits)
        return hits[:scan_cap]

    def _known_superset(self, q: str) -> list[int] | None:
        """The fewest items known to hold every match of `q`: all the matches of an earlier
        query that `q` contains."""
        best = None
        for earlier, hits in self._complete.items():
            if earlier in q and (best is None or len(hits) < len(best)):
                best = hits
        return best

    def _remember(self, q: str, hits: list[int]) -> None:
        self._complete[q] = hits
        self._complete.move_to_end(q)
        if len(self._complete) > RECENT_COMPLETE:
            self._complete.popitem(last=False)

    def _rank(self, i: int, q: str) -> tuple[int, int, int, int]:
        if self._codes[i] == q:
            return (0, 0, 0, i)
        tier = 1 if self._names[i].startswith(q) else 2 if q in self._names[i] else 3
        return (1, -self._used[i], tier, i)
