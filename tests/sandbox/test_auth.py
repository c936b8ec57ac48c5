"""Terminal registration, clerk login and token expiry against the real sandbox over HTTP."""

from __future__ import annotations

import time

import requests

from sync.contract import (
    PATH_CATALOG_CHANGES,
    PATH_HEALTH,
    PATH_REGISTER_TERMINAL,
    PATH_SESSIONS,
    PATH_TERMINAL_TOKEN,
    AccessToken,
    ClerkSession,
    ErrorBody,
    TerminalRegistered,
    parse_timestamp,
)
from tests.sandbox_support import ENROLMENT_CODE, start_sandbox


def test_health_answers_without_a_token(sandbox):
    r = requests.get(sandbox.url + PATH_HEALTH, timeout=5)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["contract"] == "v1"
    assert body["time"].endswith("+08:00")


def test_register_then_login_a_demo_clerk(sandbox):
    reg = TerminalRegistered.model_validate(sandbox.register_terminal("T-01"))
    assert reg.terminal_id == "T-01" and reg.terminal_secret and reg.token
    r = requests.post(sandbox.url + PATH_SESSIONS, json={"username": "clerk01", "password": "demo1234"},
                      headers=sandbox.auth(reg.token), timeout=5)
    assert r.status_code == 200, r.text
    session = ClerkSession.model_validate(r.json())
    assert session.clerk.display_name == "李晓燕"
    assert session.clerk.role == "clerk" and session.clerk.window_no == "综合受理3号窗"
    assert r.json()["expires_at"].endswith("+08:00")
    assert session.expires_at > parse_timestamp(requests.get(sandbox.url + PATH_HEALTH, timeout=5).json()["time"])


def test_platform_only_clerk_can_log_in_online(sandbox):
    token = sandbox.register_terminal()["token"]
    r = requests.post(sandbox.url + PATH_SESSIONS, json={"username": "clerk02", "password": "demo1234"},
                      headers=sandbox.auth(token), timeout=5)
    assert r.status_code == 200 and r.json()["clerk"]["username"] == "clerk02"


def test_wrong_password_is_401_with_a_reason(sandbox):
    token = sandbox.register_terminal()["token"]
    r = requests.post(sandbox.url + PATH_SESSIONS, json={"username": "clerk01", "password": "wrong"},
                      headers=sandbox.auth(token), timeout=5)
    assert r.status_code == 401
    err = ErrorBody.model_validate(r.json())
    assert err.code == "LOGIN_FAILED" and "密码" in err.message


def test_wrong_enrolment_code_is_refused(sandbox):
    r = requests.post(sandbox.url + PATH_REGISTER_TERMINAL, json={
        "terminal_id": "T-X", "area_code": "620321", "name": "x", "enrolment_code": "guess"}, timeout=5)
    assert r.status_code == 403 and r.json()["code"] == "ENROLMENT_INVALID"


def test_bad_body_is_422_in_the_one_error_shape(sandbox):
    r = requests.post(sandbox.url + PATH_REGISTER_TERMINAL, json={
        "terminal_id": "T-X", "area_code": "6203", "name": "x", "enrolment_code": ENROLMENT_CODE}, timeout=5)
    assert r.status_code == 422
    assert r.json()["code"] == "BAD_REQUEST" and "area_code" in r.json()["message"]


def test_calls_without_or_with_a_bad_token_are_401(sandbox):
    r = requests.get(sandbox.url + PATH_CATALOG_CHANGES, timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "TOKEN_MISSING"
    r = requests.get(sandbox.url + PATH_CATALOG_CHANGES, headers=sandbox.auth("made-up"), timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "TOKEN_INVALID"


def test_expired_token_is_401_and_the_terminal_secret_gets_a_new_one(sandbox):
    reg = sandbox.register_terminal("T-01")
    assert sandbox.expire_tokens() >= 1
    r = requests.get(sandbox.url + PATH_CATALOG_CHANGES, headers=sandbox.auth(reg["token"]), timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "TOKEN_EXPIRED"
    r = requests.post(sandbox.url + PATH_TERMINAL_TOKEN,
                      json={"terminal_id": "T-01", "terminal_secret": reg["terminal_secret"]}, timeout=5)
    fresh = AccessToken.model_validate(r.json())
    r = requests.get(sandbox.url + PATH_CATALOG_CHANGES, headers=sandbox.auth(fresh.token), timeout=5)
    assert r.status_code == 200


def test_short_token_lifetime_expires_by_itself(tmp_path):
    box = start_sandbox(tmp_path / "p", token_ttl=0.3)
    try:
        token = box.register_terminal()["token"]
        url = box.url + PATH_CATALOG_CHANGES
        codes = []
        for _ in range(100):  # poll instead of sleeping a fixed time: no timing assertion
            r = requests.get(url, headers=box.auth(token), params={"limit": 1}, timeout=5)
            codes.append(r.status_code)
            if r.status_code == 401:
                break
            time.sleep(0.05)
        assert codes[0] == 200 and codes[-1] == 401
        assert r.json()["code"] == "TOKEN_EXPIRED"
    finally:
        box.stop()


def test_wrong_terminal_secret_is_refused(sandbox):
    sandbox.register_terminal("T-01")
    r = requests.post(sandbox.url + PATH_TERMINAL_TOKEN, json={"terminal_id": "T-01", "terminal_secret": "nope"}, timeout=5)
    assert r.status_code == 401 and r.json()["code"] == "TERMINAL_CREDENTIAL_INVALID"


def test_re_registering_replaces_the_secret(sandbox):
    first = sandbox.register_terminal("T-01")
    sandbox.register_terminal("T-01")
    r = requests.post(sandbox.url + PATH_TERMINAL_TOKEN,
                      json={"terminal_id": "T-01", "terminal_secret": first["terminal_secret"]}, timeout=5)
    assert r.status_code == 401
