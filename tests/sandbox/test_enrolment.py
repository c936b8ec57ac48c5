"""Issue 11, platform side: one-time enrolment codes, re-enrolment of a replaced PC, the rate
limit, and every request bound to the authenticated terminal (each spoofing attempt of the issue)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import requests

from sandbox.auth import retired_for_good
from sandbox.store import Terminal
from sync.contract import (
    CHINA,
    ENROLMENT_ATTEMPTS_PER_MINUTE,
    PATH_CATALOG_CHANGES,
    PATH_PROGRESS,
    PATH_REGISTER_TERMINAL,
    PATH_TERMINAL_TOKEN,
    RETIRED_PUSH_DAYS,
    TerminalRegistered,
)
from tests.sandbox.conftest import Terminal as Client
from tests.sandbox.conftest import accept, event, moved, receive
from tests.sandbox_support import ENROLMENT_CODE, ROOT

AT = "2026-11-20T09:30:00"


def enrolled(sandbox, **code_options) -> tuple[Client, TerminalRegistered]:
    reg = TerminalRegistered.model_validate(sandbox.enrol(**code_options))
    return Client(sandbox.url, reg.terminal_id, reg.token, reg.terminal_secret), reg


def number(reg: TerminalRegistered, offset: int = 0) -> str:
    block = reg.number_block
    assert block is not None
    return f"{block.prefix}{block.first + offset:07d}X"


def test_a_one_time_code_assigns_the_identity_and_a_first_block(sandbox):
    t, reg = enrolled(sandbox, hall="河西堡镇便民服务中心", window="代办窗口")
    assert reg.terminal_id.startswith("ZWFW-620321-") and reg.area_code == "620321"
    assert (reg.hall, reg.window, reg.desk) == ("河西堡镇便民服务中心", "代办窗口", "window")
    assert len(reg.document_code) == 2 and reg.document_code != "01"  # 01 stays the demo terminal's
    assert reg.county == "永昌县" and reg.review_body and reg.court
    assert reg.number_block is not None and reg.number_block.last - reg.number_block.first + 1 == 1000
    assert reg.number_block.prefix.startswith("620321")
    assert t.get(PATH_CATALOG_CHANGES).status_code == 200


def test_a_used_code_is_refused(sandbox):
    code = sandbox.enrolment_code()
    sandbox.enrol(code)
    r = requests.post(sandbox.url + PATH_REGISTER_TERMINAL, json={"enrolment_code": code}, timeout=5)
    assert r.status_code == 403 and r.json()["code"] == "ENROLMENT_USED"


def test_the_cli_prints_a_code_while_the_sandbox_runs(sandbox):
    out = subprocess.run([sys.executable, "-m", "sandbox", "--data-dir", str(sandbox.data_dir), "enrolment-code",
                          "--hall", "永昌县政务服务中心", "--window", "综合受理7号窗"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    code = out.stdout.strip()
    reg = sandbox.enrol(code)
    assert reg["window"] == "综合受理7号窗" and reg["hall"] == "永昌县政务服务中心"


def test_two_terminals_do_not_lock_each_other_out(sandbox):
    a, ra = enrolled(sandbox)
    b, rb = enrolled(sandbox)
    assert ra.terminal_id != rb.terminal_id and ra.document_code != rb.document_code
    assert ra.number_block.last < rb.number_block.first or rb.number_block.last < ra.number_block.first
    for t in (a, b):
        assert t.get(PATH_CATALOG_CHANGES).status_code == 200
        r = requests.post(sandbox.url + PATH_TERMINAL_TOKEN, json={"terminal_id": t.terminal_id,
                                                                    "terminal_secret": t.secret}, timeout=5)
        assert r.status_code == 200


def test_the_standing_code_cannot_take_over_an_enrolled_terminal(sandbox):
    _a, ra = enrolled(sandbox)
    r = requests.post(sandbox.url + PATH_REGISTER_TERMINAL, json={
        "terminal_id": ra.terminal_id, "area_code": "620321", "name": "x", "enrolment_code": ENROLMENT_CODE}, timeout=5)
    assert r.status_code == 403 and r.json()["code"] == "ENROLMENT_INVALID"


def test_the_terminal_comes_from_the_token_not_the_payload(sandbox):
    a, ra = enrolled(sandbox)
    b, rb = enrolled(sandbox)
    case = number(ra)
    ev = receive(case)
    ev["terminal_id"] = rb.terminal_id  # A claims to be B
    assert a.push([ev])[0]["status"] == "applied"
    assert sandbox.applied_events(case)[0]["terminal_id"] == ra.terminal_id
    assert sandbox.case(case)["terminal_id"] == ra.terminal_id


def test_another_terminal_cannot_act_on_a_case(sandbox):
    a, ra = enrolled(sandbox)
    other, _ = enrolled(sandbox, hall="金昌市金川区政务服务中心", area_code="620302")
    case = number(ra)
    assert a.push([receive(case)])[0]["status"] == "applied"
    withdraw = moved("case.withdraw", case, "received", "withdrawn")
    withdraw["terminal_id"] = ra.terminal_id  # spoofed id in the payload changes nothing
    got = other.push([withdraw])[0]
    assert got["status"] == "rejected" and got["code"] == "CASE_NOT_ENTITLED"
    assert sandbox.case(case)["state"] == "received"


def test_numbers_outside_the_terminals_blocks_are_refused(sandbox):
    a, ra = enrolled(sandbox)
    _b, rb = enrolled(sandbox)
    got = a.push([receive(number(rb))])[0]  # B's number, taken first by A
    assert got["status"] == "rejected" and got["code"] == "NUMBER_NOT_LEASED"


def test_progress_goes_only_to_entitled_terminals(sandbox):
    sandbox.configure(denial_share=0)  # the case goes all the way to 待领取
    a, ra = enrolled(sandbox, hall="永昌县政务服务中心")
    b, _ = enrolled(sandbox, hall="永昌县政务服务中心")  # another window of the same hall
    pickup, _ = enrolled(sandbox, hall="永昌县政务服务中心", window="发证窗口", desk="pickup")
    far_pickup, _ = enrolled(sandbox, hall="金昌市金川区政务服务中心", area_code="620302", desk="pickup")
    station, _ = enrolled(sandbox, hall="河西堡镇便民服务中心")
    case = number(ra)
    assert [r["status"] for r in a.push([receive(case), accept(case)])] == ["applied", "applied"]

    def cases_seen(t: Client) -> set[str]:
        r = t.get(PATH_PROGRESS)
        assert r.status_code == 200, r.text
        return {u["case_number"] for u in r.json()["updates"]}

    assert case in cases_seen(a)
    assert case in cases_seen(pickup)  # the hall's 发证窗口
    assert case not in cases_seen(b) and case not in cases_seen(far_pickup) and case not in cases_seen(station)
    sandbox.hand_over(case, "河西堡镇便民服务中心")
    assert case in cases_seen(station)
    # a window of the same hall may not act on it; the pick-up desk only hands it over
    got = b.push([moved("case.withdraw", case, "accepted", "withdrawn")])[0]
    assert got["code"] == "CASE_NOT_ENTITLED"
    got = pickup.push([moved("case.withdraw", case, "accepted", "withdrawn")])[0]
    assert got["code"] == "CASE_NOT_ENTITLED"
    assert sandbox.case(case)["state"] == "awaiting_pickup"  # the back office (no delay) got it this far
    got = pickup.push([moved("case.collect", case, "awaiting_pickup", "collected")])[0]
    assert got["status"] == "applied", got


def test_wrong_codes_are_rate_limited(sandbox):
    for _ in range(ENROLMENT_ATTEMPTS_PER_MINUTE):
        r = requests.post(sandbox.url + PATH_REGISTER_TERMINAL, json={"enrolment_code": "GUESS-0000"}, timeout=5)
        assert r.status_code == 403
    code = sandbox.enrolment_code()
    r = requests.post(sandbox.url + PATH_REGISTER_TERMINAL, json={"enrolment_code": code}, timeout=5)
    assert r.status_code == 429 and r.json()["code"] == "ENROLMENT_RATE_LIMITED"
    assert 1 <= int(r.headers["Retry-After"]) <= 61


def test_re_enrolment_retires_the_old_terminal_but_lets_it_push_its_queue(sandbox):
    sandbox.configure(back_office_delay_seconds=3600)  # the case stays 已受理 for the new terminal's step
    old, r_old = enrolled(sandbox, window="综合受理3号窗")
    queued = number(r_old)
    assert old.push([receive(queued, at=AT)])[0]["status"] == "applied"
    late_case = number(r_old, 1)
    new, r_new = enrolled(sandbox, replaces=r_old.terminal_id)
    assert r_new.replaces == r_old.terminal_id and r_new.window == "综合受理3号窗"
    assert r_new.document_code != r_old.document_code and r_new.terminal_id != r_old.terminal_id
    assert sandbox.terminal(r_old.terminal_id)["retired_at"]
    # the old PC's token died; its credential still gets one, good only to push its queue
    assert old.get(PATH_CATALOG_CHANGES).status_code == 401
    r = requests.post(sandbox.url + PATH_TERMINAL_TOKEN, json={"terminal_id": old.terminal_id,
                                                                "terminal_secret": old.secret}, timeout=5)
    assert r.status_code == 200
    old.token = r.json()["token"]
    assert old.get(PATH_CATALOG_CHANGES).json()["code"] == "TERMINAL_RETIRED"
    before = (datetime.now(CHINA) - timedelta(minutes=5)).isoformat(timespec="seconds")
    after = (datetime.now(CHINA) + timedelta(minutes=5)).isoformat(timespec="seconds")
    queued_accept = accept(queued, at=before)
    got = old.push([queued_accept, receive(late_case, at=after)])
    assert got[0]["status"] == "applied"
    assert got[1]["status"] == "rejected" and got[1]["code"] == "TERMINAL_RETIRED"
    # the new terminal succeeds it: its cases are the new one's to act on and follow
    got = new.push([moved("case.withdraw", queued, "accepted", "withdrawn")])[0]
    assert got["status"] == "applied", got
    # a second replacement code for an already replaced terminal is refused
    r = sandbox.http.post(sandbox.url + "/sandbox/enrolment-codes", json={"replaces": r_old.terminal_id}, timeout=5)
    assert r.status_code == 422


def test_a_retired_credential_expires_after_the_grace_period():
    now = datetime.now(CHINA).replace(tzinfo=None)  # stored naive, Beijing time
    assert not retired_for_good(Terminal(retired_at=now - timedelta(days=RETIRED_PUSH_DAYS - 1)))
    assert retired_for_good(Terminal(retired_at=now - timedelta(days=RETIRED_PUSH_DAYS + 1)))
    assert not retired_for_good(Terminal(retired_at=None))


def test_demo_terminals_of_the_standing_code_still_register(sandbox):
    reg = sandbox.register_terminal("YC-ZWFW-DEMO-01")
    assert reg["terminal_id"] == "YC-ZWFW-DEMO-01" and reg["number_block"] is None
    again = sandbox.register_terminal("YC-ZWFW-DEMO-01")  # the demo re-registers on every start
    assert again["terminal_secret"] != reg["terminal_secret"]
    unused = event("case.withdraw", "X")
    assert unused["kind"] == "case.withdraw"


def test_a_store_from_before_enrolment_gets_the_new_columns(tmp_path):
    import sqlite3

    from sandbox.store import DB_FILE, PlatformCase, Store

    db = sqlite3.connect(tmp_path / DB_FILE)
    db.execute("CREATE TABLE terminals (terminal_id VARCHAR(64) PRIMARY KEY, area_code VARCHAR(6), name VARCHAR(100),"
               " secret_hash VARCHAR(200), registered_at DATETIME)")
    db.execute("INSERT INTO terminals VALUES ('YC-ZWFW-DEMO-01', '620321', '永昌县政务服务中心', 'x$y', '2026-01-01 00:00:00')")
    db.commit()
    db.close()
    store = Store(tmp_path)  # the demo platform's data dir of an earlier version
    try:
        with store.transaction() as s:
            row = s.get(Terminal, "YC-ZWFW-DEMO-01")
            assert (row.one_time, row.hall, row.desk, row.retired_at) == (0, "", "window", None)
            assert s.query(PlatformCase).count() == 0
    finally:
        store.close()
