"""Every fault switch, seen from a client speaking HTTP with requests (no mocks)."""

from __future__ import annotations

import pytest
import requests

from sync.contract import PATH_CATALOG_CHANGES, PATH_EVENTS_BATCH, PATH_HEALTH, PATH_NUMBER_BLOCKS
from tests.sandbox.conftest import receive

N1 = "620321202600000017"


def test_latency_makes_a_short_timeout_time_out(terminal, sandbox):
    sandbox.set_faults(latency_ms=1500)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(sandbox.url + PATH_HEALTH, timeout=(3, 0.2))
    assert terminal.get(PATH_CATALOG_CHANGES, limit=1).status_code == 200  # a patient client still gets it
    fired = sandbox.faults()["fired"]
    assert fired["delayed"] == 2 and fired["delayed_ms"] == 3000


def test_error_next_answers_500_in_the_error_shape_then_recovers(terminal, sandbox):
    sandbox.set_faults(error_next=2)
    answers = [terminal.get(PATH_CATALOG_CHANGES, limit=1) for _ in range(3)]
    assert [r.status_code for r in answers] == [500, 500, 200]
    assert answers[0].json()["code"] == "SERVER_ERROR" and answers[0].json()["message"]


def test_error_share_hits_about_that_share(terminal, sandbox):
    sandbox.set_faults(error_share=1.0)
    assert terminal.get(PATH_CATALOG_CHANGES).status_code == 500
    sandbox.set_faults(error_share=0.0)
    assert terminal.get(PATH_CATALOG_CHANGES).status_code == 200


def test_dropped_connection_is_a_connection_error(terminal, sandbox):
    sandbox.set_faults(drop_next=1)
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        terminal.get(PATH_CATALOG_CHANGES, limit=1)
    assert not isinstance(info.value, requests.exceptions.Timeout)
    assert terminal.get(PATH_CATALOG_CHANGES, limit=1).status_code == 200
    assert sandbox.faults()["fired"]["dropped"] == 1


def test_drop_share_one_drops_everything(terminal, sandbox):
    sandbox.set_faults(drop_share=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(sandbox.url + PATH_HEALTH, timeout=5)
    sandbox.clear_faults()
    assert requests.get(sandbox.url + PATH_HEALTH, timeout=5).ok


def test_response_lost_after_commit_then_resend_answers_duplicate(terminal, sandbox):
    ev = receive(N1)
    sandbox.set_faults(lose_response_next=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        terminal.post(PATH_EVENTS_BATCH, {"events": [ev]})
    assert sandbox.stats()["events"]["applied"] == 1  # applied and committed although never answered
    assert terminal.push([ev]) == [{"event_id": ev["event_id"], "status": "duplicate", "code": "", "reason": ""}]
    assert sandbox.stats()["events"]["applied"] == 1


def test_lost_lease_answer_then_retry_gets_the_same_block(terminal, sandbox):
    body = {"request_id": "lease-0001-abcdef", "year": 2026, "size": 50}
    sandbox.set_faults(lose_response_next=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        terminal.post(PATH_NUMBER_BLOCKS, body)
    block = terminal.post(PATH_NUMBER_BLOCKS, body).json()
    assert (block["first"], block["last"]) == (1, 50)
    assert terminal.post(PATH_NUMBER_BLOCKS, body | {"request_id": "lease-0002-abcdef"}).json()["first"] == 51


def test_lose_response_spares_reads(terminal, sandbox):
    sandbox.set_faults(lose_response_next=1)
    assert terminal.get(PATH_CATALOG_CHANGES, limit=1).status_code == 200
    assert sandbox.faults()["faults"]["lose_response_next"] == 1


def test_maintenance_is_503_with_retry_after(terminal, sandbox):
    sandbox.set_faults(maintenance=True, retry_after_seconds=7)
    r = terminal.get(PATH_CATALOG_CHANGES)
    assert r.status_code == 503 and r.headers["Retry-After"] == "7"
    assert r.json()["code"] == "MAINTENANCE" and "维护" in r.json()["message"]
    assert sandbox.http.get(sandbox.url + "/sandbox/health", timeout=5).ok  # control stays reachable
    sandbox.set_faults(maintenance=False)
    assert terminal.get(PATH_CATALOG_CHANGES).status_code == 200


def test_bad_fault_setting_is_refused(sandbox):
    r = sandbox.http.post(sandbox.url + "/sandbox/faults", json={"error_share": 3}, timeout=5)
    assert r.status_code == 422
    r = sandbox.http.post(sandbox.url + "/sandbox/faults", json={"no_such_switch": 1}, timeout=5)
    assert r.status_code == 422


def test_faults_given_on_the_command_line(tmp_path):
    from tests.sandbox_support import start_sandbox

    box = start_sandbox(tmp_path / "p", extra_args=("--maintenance",))
    try:
        r = requests.get(box.url + PATH_HEALTH, timeout=5)
        assert r.status_code == 503 and "Retry-After" in r.headers
    finally:
        box.stop()
