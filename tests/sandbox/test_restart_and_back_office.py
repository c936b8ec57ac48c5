"""Restart keeps the data; the process ending mid-batch loses or doubles nothing; the back
office moves an accepted case on to certificate-ready; the OpenAPI lists the contract."""

from __future__ import annotations

import time

import pytest
import requests

from sync.contract import ALL_PATHS, PATH_CATALOG_CHANGES, PATH_EVENTS_BATCH, PATH_HEALTH, PATH_PROGRESS, ProgressPage
from tests.sandbox.conftest import accept, moved, receive, register
from tests.sandbox_support import start_sandbox

N1, N2, N3 = "620321202600000017", "620321202600000025", "620321202600000033"


def test_killed_and_restarted_on_the_same_port_keeps_everything(terminal, sandbox):
    terminal.push([receive(N1), accept(N1)])
    cursor = terminal.get(PATH_CATALOG_CHANGES, limit=5).json()["next_cursor"]
    port = sandbox.port
    sandbox.restart()
    assert sandbox.port == port
    assert terminal.get(PATH_CATALOG_CHANGES, since=cursor, limit=5).status_code == 200  # the token survived
    assert sandbox.stats()["events"]["applied"] == 2
    assert [r["status"] for r in terminal.push([receive(N1)])] == ["rejected"]  # the case is still known


def test_process_ends_before_commit_nothing_applied(terminal, sandbox):
    batch = [receive(N1), receive(N2)]
    sandbox.set_faults(exit_on_next_batch="before_commit")
    with pytest.raises(requests.exceptions.ConnectionError):
        terminal.post(PATH_EVENTS_BATCH, {"events": batch})
    assert sandbox.wait_exit() == 70
    sandbox.restart()
    assert sandbox.stats()["events"]["applied"] == 0
    assert [r["status"] for r in terminal.push(batch)] == ["applied", "applied"]


def test_process_ends_after_commit_resend_is_duplicate(terminal, sandbox):
    batch = [receive(N1), receive(N2)]
    sandbox.set_faults(exit_on_next_batch="after_commit")
    with pytest.raises(requests.exceptions.ConnectionError):
        terminal.post(PATH_EVENTS_BATCH, {"events": batch})
    sandbox.wait_exit()
    sandbox.restart()
    assert [r["status"] for r in terminal.push(batch)] == ["duplicate", "duplicate"]
    st = sandbox.stats()["events"]
    assert st["applied"] == 2 and st["most_applications_of_one_event"] == 1


def test_restart_switch_replaces_the_process_in_place(terminal, sandbox):
    terminal.push([receive(N1)])
    pid = sandbox.http.get(sandbox.url + "/sandbox/health", timeout=5).json()["pid"]
    assert sandbox.http.post(sandbox.url + "/sandbox/restart", json={"mode": "exec"}, timeout=5).json() == {"restarting": "exec"}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # first gone, then back
        try:
            requests.get(sandbox.url + PATH_HEALTH, timeout=1)
        except requests.ConnectionError:
            break
        time.sleep(0.02)
    sandbox.wait_ready()
    assert sandbox.http.get(sandbox.url + "/sandbox/health", timeout=5).json()["pid"] == pid  # exec: same process
    assert sandbox.proc.poll() is None
    assert sandbox.stats()["events"]["applied"] == 1


def progress(terminal, since: str = "", limit: int = 100) -> ProgressPage:
    return ProgressPage.model_validate(terminal.get(PATH_PROGRESS, since=since, limit=limit).json())


def test_back_office_moves_an_accepted_case_to_certificate_ready(terminal, sandbox):
    sandbox.configure(denial_share=0.0)
    terminal.push([receive(N1), accept(N1), receive(N2)])  # N2 is only received: not the back office's
    page = progress(terminal)
    assert [(u.case_number, u.step) for u in page.updates] == [
        (N1, "in_progress"), (N1, "concluded_approved"), (N1, "certificate_ready")]
    assert all(u.note for u in page.updates) and not page.has_more
    assert sandbox.case(N1)["state"] == "awaiting_pickup"
    assert progress(terminal, since=page.next_cursor).updates == []
    # The terminal hands the certificate over: the platform takes that from its new state.
    assert terminal.push([moved("case.collect", N1, "awaiting_pickup", "collected")])[0]["status"] == "applied"


def test_denied_share_concludes_without_certificate(terminal, sandbox):
    sandbox.configure(denial_share=1.0)
    terminal.push([receive(N1), accept(N1)])
    assert [u.step for u in progress(terminal).updates] == ["in_progress", "concluded_denied"]


def test_progress_pages_with_a_cursor_and_only_for_the_own_terminal(sandbox):
    sandbox.configure(denial_share=0.0)
    mine, other = register(sandbox, "T-A"), register(sandbox, "T-B")
    mine.push([receive(N1), accept(N1), receive(N2), accept(N2)])
    other.push([receive(N3), accept(N3)])
    steps, cursor, pages = [], "", 0
    while True:
        page = progress(mine, since=cursor, limit=4)
        steps += page.updates
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    assert pages == 2 and len(steps) == 6 and {u.case_number for u in steps} == {N1, N2}
    assert len({u.progress_id for u in steps}) == 6
    assert [u.case_number for u in progress(other).updates] == [N3] * 3


def test_back_office_waits_its_delay_and_a_special_procedure(tmp_path):
    box = start_sandbox(tmp_path / "p", back_office_delay=3600)
    try:
        t = register(box)
        t.push([receive(N1), accept(N1), receive(N2), accept(N2)])
        assert progress(t).updates == []  # nothing is due for an hour
        t.push([moved("case.start_processing", N1, "accepted", "in_progress"),
                moved("case.suspend_clock", N1, "in_progress", "suspended", procedure="专家评审", limit_days=10)])
        box.configure(back_office_delay_seconds=0)
        t.push([moved("case.start_processing", N2, "accepted", "in_progress")])  # the back office's step may come from the window too
        steps = [(u.case_number, u.step) for u in progress(t).updates]
        assert (N1, "concluded_approved") not in steps and (N1, "concluded_denied") not in steps
        assert box.case(N1)["state"] == "suspended"
        assert box.case(N2)["state"] in {"awaiting_pickup", "concluded_denied"}
        t.push([moved("case.resume_clock", N1, "suspended", "in_progress", procedure="专家评审")])
        after_resume = [u.step for u in progress(t).updates if u.case_number == N1]
        assert after_resume[-1] in {"certificate_ready", "concluded_denied"}
        assert box.case(N1)["state"] in {"awaiting_pickup", "concluded_denied"}
    finally:
        box.stop()


def test_openapi_lists_every_contract_path(sandbox):
    doc = requests.get(sandbox.url + "/openapi.json", timeout=5).json()
    assert set(ALL_PATHS) <= set(doc["paths"])
    schemas = doc["components"]["schemas"]
    assert {"ErrorBody", "EventBatch", "EventBatchResult", "CatalogChangesPage", "ProgressPage"} <= set(schemas)
