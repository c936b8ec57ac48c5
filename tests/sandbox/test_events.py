"""Event batches: applied, duplicate on resend, rejected with a code and a Chinese reason,
answered one by one in order, applied in order per case."""

from __future__ import annotations

from sync.contract import MAX_EVENTS_PER_BATCH, PATH_EVENTS_BATCH, EventBatchResult
from tests.sandbox.conftest import ITEM, accept, event, moved, receive

N1, N2, N3 = "620321202600000017", "620321202600000025", "620321202600000033"


def statuses(results: list[dict]) -> list[str]:
    return [r["status"] for r in results]


def test_applied_then_duplicate_on_resend(terminal, sandbox):
    batch = [receive(N1), accept(N1), receive(N2)]
    first = EventBatchResult.model_validate({"results": terminal.push(batch)})
    assert [r.event_id for r in first.results] == [e["event_id"] for e in batch]
    assert statuses(terminal.push(batch)) == ["duplicate"] * 3
    assert statuses(first.model_dump()["results"]) == ["applied"] * 3
    st = sandbox.stats()["events"]
    assert st["applied"] == st["distinct_event_ids"] == 3 and st["duplicate_answers"] == 3
    assert st["most_applications_of_one_event"] == 1


def test_same_event_twice_in_one_batch_applies_once(terminal, sandbox):
    ev = receive(N1)
    assert statuses(terminal.push([ev, ev])) == ["applied", "duplicate"]
    assert len(sandbox.applied_events(N1)) == 1


def test_events_of_a_case_apply_in_the_order_sent(terminal, sandbox):
    batch = [receive(N1), receive(N2), accept(N1), accept(N2)]
    terminal.push(batch)
    assert [e["event_id"] for e in sandbox.applied_events(N1)] == [batch[0]["event_id"], batch[2]["event_id"]]
    assert [e["kind"] for e in sandbox.applied_events(N2)] == ["case.receive", "case.accept"]


def test_event_before_its_case_is_rejected_and_the_rest_still_apply(terminal):
    early = accept(N1)
    results = terminal.push([early, receive(N2), receive(N1)])
    assert statuses(results) == ["rejected", "applied", "applied"]
    assert results[0]["code"] == "CASE_UNKNOWN" and N1 in results[0]["reason"]
    assert statuses(terminal.push([early])) == ["applied"]  # a rejected id may come again later


def test_suspended_item_rejects_intake_after_the_suspension(terminal, sandbox):
    sandbox.suspend_item(ITEM, reason="办事指南修订中", since="2026-11-01")
    late, early = receive(N1, at="2026-11-20T09:30:00"), receive(N2, at="2026-10-30T16:00:00+08:00")
    results = terminal.push([late, early])
    assert statuses(results) == ["rejected", "applied"]
    assert results[0]["code"] == "ITEM_SUSPENDED"
    assert "个体工商户设立登记" in results[0]["reason"] and "办事指南修订中" in results[0]["reason"]
    assert "2026-11-01" in results[0]["reason"]


def test_resumed_item_takes_the_resent_event(terminal, sandbox):
    sandbox.suspend_item(ITEM, since="2026-11-01")
    ev = receive(N1, at="2026-11-20T09:30:00")
    assert statuses(terminal.push([ev])) == ["rejected"]
    sandbox.resume_item(ITEM, since="2026-11-15")
    assert statuses(terminal.push([ev])) == ["applied"]


def test_terminated_item_and_unknown_item(terminal, sandbox):
    sandbox.terminate_item(ITEM, since="2026-01-01")
    results = terminal.push([receive(N1), receive(N2, item="NO-SUCH-ITEM")])
    assert [r["code"] for r in results] == ["ITEM_TERMINATED", "ITEM_UNKNOWN"]


def test_acceptance_on_a_day_the_item_was_suspended_is_rejected(terminal, sandbox):
    terminal.push([receive(N1, at="2026-11-10T09:00:00")])
    sandbox.suspend_item(ITEM, since="2026-11-12")
    results = terminal.push([accept(N1, at="2026-11-13T09:00:00")])
    assert results[0]["code"] == "ITEM_SUSPENDED"


def test_transition_the_platform_state_does_not_allow(terminal):
    terminal.push([receive(N1), moved("case.reject", N1, "received", "rejected")])
    results = terminal.push([accept(N1)])
    assert results[0]["code"] == "CASE_TRANSITION_NOT_ALLOWED"
    assert "不予受理" in results[0]["reason"] and "受理" in results[0]["reason"]


def test_second_receipt_of_a_number_and_unknown_kinds(terminal):
    terminal.push([receive(N1)])
    results = terminal.push([receive(N1), event("case.teleport", N3), event("printed", N3), event("case.accept", ""),
                             event("case.conclude_approved", N1)])
    assert [r["code"] for r in results] == ["CASE_EXISTS", "KIND_UNKNOWN", "KIND_UNKNOWN", "EVENT_INVALID",
                                            "KIND_UNKNOWN"]  # the platform's own step is not a terminal's to send
    assert all(r["reason"] for r in results)


def test_an_event_whose_data_breaks_the_contract_is_rejected_by_field(terminal, sandbox):
    """What an event carries is the contract's model of its kind: checked before it is applied."""
    bad_receive = receive(N1)
    del bad_receive["data"]["item_code"]
    bad_accept = accept(N2)
    bad_accept["data"]["to"] = "teleported"
    results = terminal.push([bad_receive, receive(N2), bad_accept])
    assert [r["code"] for r in results] == ["EVENT_INVALID", "", "EVENT_INVALID"]
    assert "item_code" in results[0]["reason"] and "to" in results[2]["reason"]
    assert sandbox.case(N2)["state"] == "received"


def test_supplementation_round_trip(terminal, sandbox):
    results = terminal.push([
        receive(N1), moved("case.request_supplement", N1, "received", "awaiting_supplement"),
        moved("case.resubmit", N1, "awaiting_supplement", "received"), accept(N1),
    ])
    assert statuses(results) == ["applied"] * 4
    assert sandbox.case(N1)["state"] in {"accepted", "in_progress", "concluded_approved", "concluded_denied",
                                         "awaiting_pickup"}


def test_too_large_a_batch_is_refused_whole(terminal, sandbox):
    r = terminal.post(PATH_EVENTS_BATCH, {"events": [receive(f"N{i}") for i in range(MAX_EVENTS_PER_BATCH + 1)]})
    assert r.status_code == 413 and r.json()["code"] == "BATCH_TOO_LARGE"
    assert sandbox.stats()["events"]["applied"] == 0


def test_ingest_time_is_measured(terminal, sandbox):
    terminal.push([receive(f"62032120260{i:07d}") for i in range(200)])
    ingest = sandbox.stats()["ingest"]
    assert ingest["batches"] == 1 and ingest["events"] == 200 and ingest["seconds"] > 0
    assert ingest["request_seconds"] >= ingest["seconds"]
