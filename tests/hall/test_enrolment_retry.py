"""Issue 11 part 1, the lost answer: enrolment is safe to repeat. The terminal stores its
request id and its own secret before the code goes out; the platform answers a repeat of that
request (same code, same id, same secret, within ENROLMENT_RETRY_HOURS) with the same identity
and refuses the code to anyone else. Running enrolment on an enrolled terminal is told so."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import pytest
import requests

from app.actor import SYSTEM
from app.admin_cli import main as admin
from app.usecases.enrolment import pending_enrolment
from app.usecases.terminal import terminal_identity, terminal_mode
from sync.connection import enrol
from sync.http import HttpSettings, PlatformRefused, PlatformUnreachable
from tests.hall.support import ADMIN, fresh_terminal
from tests.sandbox_support import SandboxError
from tests.sync.support import FAST, sync

NO_RETRY = HttpSettings(connect_timeout=2, read_timeout=5, retries=0)
FIRST_ID = "ZWFW-620321-02"  # the first terminal the sandbox enrols in the demo area (document code 02)


def test_a_lost_answer_is_fetched_again_with_the_same_identity(sandbox, tmp_path):
    code = sandbox.enrolment_code(window="综合受理7号窗")
    sandbox.set_faults(lose_response_next=1)
    ctx = fresh_terminal(tmp_path / "pc")
    try:
        with pytest.raises(PlatformUnreachable):  # the platform enrolled it; the answer never came
            enrol(ctx, SYSTEM, sandbox.url, code, ADMIN, NO_RETRY)
        assert sandbox.stats()["faults_fired"]["responses_lost"] == 1
        assert sandbox.terminal(FIRST_ID)["window"] == "综合受理7号窗"  # the code is used on the platform
        assert terminal_mode(ctx) == "unenrolled"
        assert pending_enrolment(ctx) is not None
    finally:
        ctx.close()
    # another PC typing the same code is refused, and does not spoil the first one's retry
    other = fresh_terminal(tmp_path / "other")
    try:
        with pytest.raises(PlatformRefused) as err:
            enrol(other, SYSTEM, sandbox.url, code, ADMIN, NO_RETRY)
        assert err.value.platform_code == "ENROLMENT_USED"
        assert terminal_mode(other) == "unenrolled" and pending_enrolment(other) is None
    finally:
        other.close()
    ctx = fresh_terminal(tmp_path / "pc")  # the admin starts again later: the pending request was on disk
    try:
        who = enrol(ctx, SYSTEM, sandbox.url, code, ADMIN, NO_RETRY)
        assert who.terminal_id == FIRST_ID and ctx.settings.get("terminal_id") == FIRST_ID
        assert terminal_identity(ctx).numbers_left == 1000  # the same first block, not a second one
        assert pending_enrolment(ctx) is None
        with pytest.raises(SandboxError):
            sandbox.terminal("ZWFW-620321-03")  # no second identity was made
        # the credential it keeps is the one the platform has: a new token after expiry works
        assert sync(ctx).ok
        sandbox.expire_tokens()
        assert sync(ctx).ok
    finally:
        ctx.close()


def test_a_lost_answer_inside_one_call_is_retried_transparently(sandbox, tmp_path):
    """The client retries an unanswered request itself: the second try is the same request."""
    code = sandbox.enrolment_code()
    sandbox.set_faults(lose_response_next=2)
    ctx = fresh_terminal(tmp_path / "pc")
    try:
        who = enrol(ctx, SYSTEM, sandbox.url, code, ADMIN, FAST)
        assert who.terminal_id == FIRST_ID
        assert sandbox.stats()["faults_fired"]["responses_lost"] == 2
        assert sync(ctx).ok
    finally:
        ctx.close()


def test_the_same_code_with_another_request_or_secret_is_refused(sandbox):
    code = sandbox.enrolment_code()
    url = sandbox.url + "/api/v1/terminals/register"
    request_id, secret = str(uuid.uuid4()), secrets.token_urlsafe(32)
    first = requests.post(url, json={"enrolment_code": code, "request_id": request_id, "terminal_secret": secret},
                          timeout=10)
    assert first.status_code == 200 and first.json()["terminal_secret"] == ""  # the terminal keeps its own
    again = requests.post(url, json={"enrolment_code": code, "request_id": request_id, "terminal_secret": secret},
                          timeout=10)
    assert again.status_code == 200
    assert again.json()["terminal_id"] == first.json()["terminal_id"]
    assert again.json()["number_block"] == first.json()["number_block"]
    for body in ({"request_id": str(uuid.uuid4()), "terminal_secret": secret},  # another attempt
                 {"request_id": request_id, "terminal_secret": secrets.token_urlsafe(32)},  # knows the id only
                 {}):  # an older terminal without a request id
        refused = requests.post(url, json={"enrolment_code": code, **body}, timeout=10)
        assert refused.status_code == 403 and refused.json()["code"] == "ENROLMENT_USED", body
    short = requests.post(url, json={"enrolment_code": sandbox.enrolment_code(), "request_id": "r1",
                                     "terminal_secret": "too-short"}, timeout=10)
    assert short.status_code == 422


def test_a_lost_answer_can_be_fetched_only_for_a_bounded_time(tmp_path):
    """The platform's side, on its own store: a repeat after ENROLMENT_RETRY_HOURS is refused."""
    from sandbox.enrolment import enrol as platform_enrol
    from sandbox.enrolment import is_one_time_code, issue_code
    from sandbox.errors import PlatformProblem
    from sandbox.store import Store
    from sync.contract import ENROLMENT_RETRY_HOURS, TerminalRegistration

    store = Store(tmp_path / "platform")
    try:
        with store.transaction() as s:
            code, _ = issue_code(s)
        body = TerminalRegistration(enrolment_code=code, request_id="req-1", terminal_secret="s" * 40)
        with store.transaction() as s:
            first = platform_enrol(s, is_one_time_code(s, code), body, 60)
        with store.transaction() as s:
            assert platform_enrol(s, is_one_time_code(s, code), body, 60).terminal_id == first.terminal_id
            row = is_one_time_code(s, code)
            row.used_at = row.used_at - timedelta(hours=ENROLMENT_RETRY_HOURS, minutes=1)
        with store.transaction() as s, pytest.raises(PlatformProblem) as err:
            platform_enrol(s, is_one_time_code(s, code), body, 60)
        assert err.value.code == "ENROLMENT_USED" and f"{ENROLMENT_RETRY_HOURS} 小时" in err.value.message
    finally:
        store.close()


def test_enrolling_twice_says_so_and_keeps_the_identity(sandbox, tmp_path, capsys):
    data = tmp_path / "pc"
    code = sandbox.enrolment_code(window="综合受理2号窗")
    assert admin(["--data-dir", str(data), "enrol", "--platform", sandbox.url, "--code", code]) == 0
    capsys.readouterr()
    assert admin(["--data-dir", str(data), "terminal"]) == 0
    before = capsys.readouterr().out
    # the same command again (a script run twice): told so, nothing sent, nothing changed
    assert admin(["--data-dir", str(data), "enrol", "--platform", sandbox.url, "--code", code]) == 0
    out = capsys.readouterr().out
    assert "已用这个注册码注册为 ZWFW-620321-02" in out and "终端身份没有改变" in out
    # another code: refused before it is spent
    other = sandbox.enrolment_code(window="综合受理4号窗")
    assert admin(["--data-dir", str(data), "enrol", "--platform", sandbox.url, "--code", other]) == 2
    err = capsys.readouterr().err
    assert "TERMINAL_ALREADY_ENROLLED" in err and "不会再注册第二个终端身份" in err
    assert admin(["--data-dir", str(data), "terminal"]) == 0
    assert capsys.readouterr().out == before
    with pytest.raises(SandboxError):
        sandbox.terminal("ZWFW-620321-03")
    # the unspent code still enrols the PC it was meant for
    assert admin(["--data-dir", str(tmp_path / "pc2"), "enrol", "--platform", sandbox.url, "--code", other]) == 0
    assert "综合受理4号窗" in capsys.readouterr().out


def test_the_admin_command_says_a_lost_answer_can_be_fetched_again(sandbox, tmp_path, capsys):
    data = tmp_path / "pc"
    code = sandbox.enrolment_code()
    sandbox.set_faults(lose_response_next=100)  # every try of this run loses its answer
    rc = admin(["--data-dir", str(data), "enrol", "--platform", sandbox.url, "--code", code])
    err = capsys.readouterr().err
    assert rc == 3 and "同一注册码再次运行" in err, err
    sandbox.clear_faults()
    assert admin(["--data-dir", str(data), "enrol", "--platform", sandbox.url, "--code", code]) == 0
    assert f"终端编号 {FIRST_ID}" in capsys.readouterr().out
