"""Issue 11 part 2: three terminals, each enrolled with its own one-time code, take cases in
offline, then sync: no case number and no 文号 twice, every event applied once."""

from __future__ import annotations

from app.case_states import Action
from sync.login import login
from tests.hall.support import case_numbers, document_numbers, enrolled_terminal
from tests.sync.support import local_event_ids, sync, take_in

PER_TERMINAL = 4


def test_three_terminals_offline_then_sync_never_collide(sandbox, tmp_path):
    terminals = [enrolled_terminal(sandbox, tmp_path / f"t{i}", window=f"综合受理{i}号窗") for i in (1, 2, 3)]
    try:
        ids = [t.settings.get("terminal_id") for t in terminals]
        codes = [t.settings.get("document_code") for t in terminals]
        assert len(set(ids)) == 3 and len(set(codes)) == 3
        clerks = []
        for t in terminals:
            assert sync(t).ok  # the catalog and calendars come down; nothing to push yet
            clerks.append(login(t, "clerk01", "demo1234").actor)  # online once, then cached
        sandbox.set_faults(maintenance=True)  # the county's line is down: every window works offline
        for t, clerk in zip(terminals, clerks, strict=True):
            take_in(t, clerk, PER_TERMINAL)
            take_in(t, clerk, 1, action=Action.REQUEST_SUPPLEMENT)
        sandbox.clear_faults()
        for t in terminals:
            report = sync(t)
            assert report.ok, report.errors
            assert report.pushed.applied == 2 * PER_TERMINAL + 2 and report.pushed.rejected == 0

        numbers = [n for t in terminals for n in case_numbers(t)]
        assert len(numbers) == 3 * (PER_TERMINAL + 1) and len(set(numbers)) == len(numbers)
        docs = [d for t in terminals for d in document_numbers(t)]
        assert docs and len(set(docs)) == len(docs)
        for t, code in zip(terminals, codes, strict=True):  # each 文号 carries its terminal's code
            assert all(f"第{code}" in d for d in document_numbers(t))

        applied = sandbox.applied_events()
        assert len(applied) == len({e["event_id"] for e in applied})
        assert sandbox.stats()["events"]["most_applications_of_one_event"] == 1
        assert sandbox.stats()["events"]["rejected_answers"] == 0
        for t, tid in zip(terminals, ids, strict=True):
            mine = {e["event_id"] for e in applied if e["terminal_id"] == tid}
            assert mine == local_event_ids(t)
    finally:
        for t in terminals:
            t.close()
