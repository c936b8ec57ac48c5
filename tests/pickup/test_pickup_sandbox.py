"""The pick-up desk against the real sandbox on 127.0.0.1 (issue 14): the certificate arrives with
the back office's progress; the hall's pick-up desk hands over a case received at another
window (the contract's hall rule) while a terminal of another hall, or a plain window, is
refused; hand-over events are applied exactly once whatever the link does; the courier's
delivery confirmation makes the case 已送达 on every terminal that holds it."""

from __future__ import annotations

import uuid

import pytest
import requests
from stdnum.cn import uscc

from app.rules.handover import Mailing
from app.usecases.mailing import mail_certificate, mailed_list
from app.usecases.pickup import hand_over, platform_certificate, waiting_list
from app.usecases.queries import case_detail
from sync.contract import PATH_EVENTS_BATCH
from sync.login import login
from tests.hall.support import case_numbers, enrolled_terminal
from tests.helpers import APPLICANT_ID, card_holder
from tests.sync.support import sync, take_in

HALL, OTHER_HALL = "永昌县政务服务中心", "金昌市金川区政务服务中心"
PNG = b"\x89PNG\r\n\x1a\n" + b"signature-strokes"
EMS = Mailing("ems", "RR473124829CN", "永昌县城关镇北海子路12号", "13893512345")


def synced_until(ctx, done, tries: int = 30) -> None:  # noqa: ANN001
    """Sync until `done()`: the back office works on its own clock, each sync pulls what it did."""
    for _ in range(tries):
        assert sync(ctx).ok
        if done():
            return
    raise AssertionError("the platform's progress did not arrive")


@pytest.fixture
def hall(sandbox, tmp_path):  # noqa: ANN001, ANN201
    """A window and the hall's pick-up desk, each enrolled with its own one-time code; two
    cases accepted at the window and brought by the back office to 待领取."""
    sandbox.configure(denial_share=0, back_office_delay_seconds=0)
    window = enrolled_terminal(sandbox, tmp_path / "window", hall=HALL, window="综合受理3号窗")
    desk = enrolled_terminal(sandbox, tmp_path / "desk", hall=HALL, window="发证窗口", desk="pickup")
    try:
        assert sync(window).ok and sync(desk).ok  # catalog, calendars, numbers
        clerk = login(window, "clerk01", "demo1234").actor
        numbers = take_in(window, clerk, 2)
        synced_until(window, lambda: all(case_detail(window, clerk, n).state == "awaiting_pickup" for n in numbers))
        yield window, clerk, desk, login(desk, "pickup01", "demo1234").actor, numbers
    finally:
        window.close()
        desk.close()


def test_certificate_data_arrives_with_progress_and_the_halls_desk_hands_it_over(hall, sandbox) -> None:
    window, clerk, desk, pickup, (a, b) = hall
    cert = platform_certificate(window, clerk, a)
    assert cert is not None and cert.name == "营业执照（个体工商户）" and cert.holder_name == "张桂兰"
    assert cert.certificate_no and cert.fields["certificate_no"] == cert.certificate_no
    assert uscc.is_valid(cert.fields["credit_code"]) and cert.decided_on is not None and cert.valid_until is None
    # The hall's pick-up desk never saw these cases: they come down with their certificates.
    assert case_numbers(desk) == []
    assert sync(desk).ok
    assert sorted(w.number for w in waiting_list(desk, pickup)) == sorted([a, b])
    assert platform_certificate(desk, pickup, a).certificate_no == cert.certificate_no
    hand_over(desk, pickup, a, card_holder("self", "张桂兰", APPLICANT_ID), PNG)
    mail_certificate(desk, pickup, b, EMS)
    report = sync(desk)
    assert report.ok and report.pushed.applied == 2 and report.pushed.rejected == 0
    assert sandbox.case(a)["state"] == "collected" and sandbox.case(b)["state"] == "mailed"
    desk_id = desk.settings.get("terminal_id")
    collect = [e for e in sandbox.applied_events(a) if e["kind"] == "case.collect"]
    assert len(collect) == 1 and collect[0]["terminal_id"] == desk_id
    # The receiving window hears that its cases were handed over at the desk.
    assert sync(window).ok
    assert case_detail(window, clerk, a).state == "collected" and case_detail(window, clerk, b).state == "mailed"
    assert sync(desk).pushed.applied == 0  # nothing twice


def test_delivery_confirmation_moves_the_case_to_delivered_after_pull(hall, sandbox) -> None:
    window, clerk, desk, pickup, (a, _b) = hall
    assert sync(desk).ok
    mail_certificate(desk, pickup, a, EMS)
    assert sync(desk).ok
    assert [m.delivered for m in mailed_list(desk, pickup)] == [False]
    answer = sandbox.deliver(a, signed_by="张桂兰")
    assert answer["data"]["delivery"]["tracking_no"] == "RR473124829CN"
    assert sandbox.deliver(a, signed_by="张桂兰")["progress_id"] == answer["progress_id"]  # asked twice: one step
    assert case_detail(desk, pickup, a).state == "mailed"  # nothing until the desk pulls
    assert sync(desk).ok
    assert case_detail(desk, pickup, a).state == "delivered"
    [m] = mailed_list(desk, pickup)
    assert m.delivered and m.delivered_at is not None and m.delivered_to == "张桂兰" and not m.overdue
    assert sync(window).ok and case_detail(window, clerk, a).state == "delivered"
    assert sandbox.case(a)["state"] == "delivered"


def test_the_demo_courier_reports_a_mailed_certificate_delivered_by_itself(hall, sandbox) -> None:
    """A training room sees 已送达 without anyone calling the control endpoint: the simulated
    courier signs for what was mailed once its delay has passed (0, the default, never)."""
    window, clerk, desk, pickup, (a, _b) = hall
    assert sync(desk).ok
    mail_certificate(desk, pickup, a, EMS)
    assert sync(desk).ok and sandbox.case(a)["state"] == "mailed"
    sandbox.configure(courier_delay_seconds=0.2)
    synced_until(desk, lambda: case_detail(desk, pickup, a).state == "delivered")
    [m] = mailed_list(desk, pickup)
    assert m.delivered and m.delivered_to == "本人签收"


def test_an_agents_papers_reach_the_platform_once_the_collection_is_there(hall, sandbox) -> None:
    """The 授权委托书 and the applicant's ID copy captured at the desk are uploaded after the
    collection they prove, fetched back byte for byte, and never sent twice."""
    from dataclasses import replace

    from app.usecases.pickup import store_handover_page
    from app.usecases.sync_state import sync_overview
    from devices.camera.folder import PICKUP_SAMPLES_DIR
    from sync.connection import open_api
    from tests.helpers import resident_id

    window, clerk, desk, pickup, (a, _b) = hall
    assert sync(desk).ok
    authorisation = (PICKUP_SAMPLES_DIR / "page-1-authorisation.jpg").read_bytes()
    id_copy = (PICKUP_SAMPLES_DIR / "page-2-id-card-copy.jpg").read_bytes()
    a_sha = store_handover_page(desk, pickup, authorisation).value
    c_sha = store_handover_page(desk, pickup, id_copy).value
    agent = card_holder("agent", "李明", resident_id("620302", "19900101", "123"))
    hand_over(desk, pickup, a, replace(agent, authorisation_pages=(a_sha,), id_copy_pages=(c_sha,)), PNG)
    assert sync_overview(desk).attachments == 2
    report = sync(desk)
    assert report.ok and sandbox.case(a)["state"] == "collected"
    assert sync_overview(desk).attachments == 0
    api = open_api(desk)
    try:
        assert api.attachment_content(a_sha) == authorisation and api.attachment_content(c_sha) == id_copy
    finally:
        api.close()
    before = sandbox.stats()["attachments"]
    assert sync(desk).ok and sandbox.stats()["attachments"] == before  # nothing sent again


def _collect_event(number: str) -> dict:
    return {"event_id": str(uuid.uuid4()), "kind": "case.collect", "case_number": number,
            "occurred_at": "2026-11-30T10:00:00+08:00", "terminal_id": "whoever", "actor": "pickup01",
            "data": {"from": "awaiting_pickup", "to": "collected", "round": 1, "note": "本人领取", "mode": "self",
                     "collector_name": "张桂兰", "collector_id_masked": "620321********0012"}}


@pytest.mark.parametrize("who", [{"hall": OTHER_HALL, "desk": "pickup"}, {"hall": HALL, "desk": "window"}],
                         ids=["pick-up-desk-of-another-hall", "another-window-of-the-same-hall"])
def test_only_the_halls_pick_up_desk_may_hand_over_a_case_received_elsewhere(hall, sandbox, tmp_path, who) -> None:
    window, clerk, desk, pickup, (a, _b) = hall
    other = enrolled_terminal(sandbox, tmp_path / "other", window="发证窗口", **who)
    try:
        assert sync(other).ok
        assert case_numbers(other) == []  # not served the progress of cases it may not act on
    finally:
        other.close()
    token = sandbox.enrol(window="x", **who)["token"]
    r = requests.post(sandbox.url + PATH_EVENTS_BATCH, json={"events": [_collect_event(a)]},
                      headers=sandbox.auth(token), timeout=10)
    [result] = r.json()["results"]
    assert result["status"] == "rejected" and result["code"] == "CASE_NOT_ENTITLED"
    assert sandbox.case(a)["state"] == "awaiting_pickup"


@pytest.mark.parametrize("fault", [{"lose_response_next": 1}, {"exit_on_next_batch": "after_commit"}],
                         ids=["answer-lost", "platform-killed-after-commit"])
def test_hand_over_events_are_applied_exactly_once(hall, sandbox, fault) -> None:
    window, clerk, desk, pickup, (a, b) = hall
    assert sync(desk).ok
    hand_over(desk, pickup, a, card_holder("self", "张桂兰", APPLICANT_ID), PNG)
    mail_certificate(desk, pickup, b, EMS)
    sandbox.set_faults(**fault)
    first = sync(desk, batch_size=1)
    if "exit_on_next_batch" in fault:
        assert not first.ok  # the platform died with the batch committed, before answering
        sandbox.wait_exit()
        sandbox.restart()
    assert sync(desk, batch_size=1).ok and sync(desk).pushed.applied == 0
    kinds = [e["kind"] for e in sandbox.applied_events(a) + sandbox.applied_events(b)]
    assert kinds.count("case.collect") == 1 and kinds.count("case.mail") == 1
    assert sandbox.stats()["events"]["most_applications_of_one_event"] == 1
    assert sandbox.case(a)["state"] == "collected" and sandbox.case(b)["state"] == "mailed"
