"""A document's snapshot is stored as JSON and read back for every reprint, years later: the
text written now must be what earlier versions wrote (so stored snapshots and new ones agree),
and it must read back to the same snapshot."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import date, datetime

import pytest

from app.documents import DocumentKind, DocumentSnapshot
from printing import sample_snapshot


def earlier_encoding(snap: DocumentSnapshot) -> str:
    """How snapshots were written before: asdict, then dates to ISO text, tuples to lists."""
    def plain(v):  # noqa: ANN001, ANN202
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        return v.isoformat() if isinstance(v, datetime | date) else v
    return json.dumps(plain(asdict(snap)), ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_a_snapshot_is_written_as_before_and_reads_back_the_same(kind: DocumentKind) -> None:
    snap = sample_snapshot(kind)
    if kind == DocumentKind.ACCEPTANCE:  # every optional part present at least once
        snap = replace(snap, extra={"training": "1"}, supplement_due=date(2026, 12, 4))
    text = snap.to_json()
    assert text == earlier_encoding(snap)
    assert DocumentSnapshot.from_json(text) == snap
    assert "𠮷" in text  # written as the character, not as \\ud842 escapes


def test_something_that_is_not_snapshot_data_is_refused() -> None:
    with pytest.raises(TypeError, match="not in a document snapshot"):
        replace(sample_snapshot(DocumentKind.ACCEPTANCE), extra={"x": object()}).to_json()
