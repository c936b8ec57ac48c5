"""The HTTP layer against a real (tiny, scripted) server on 127.0.0.1: retries with backoff on
5xx, 503 with Retry-After and dropped connections; a long maintenance ends the call; a 401
re-logs in once; errors carry a code and a Chinese message. No mocked requests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync.http import (
    AuthExpired,
    HttpSettings,
    PlatformHttp,
    PlatformMaintenance,
    PlatformNoAnswer,
    PlatformRefused,
    PlatformUnreachable,
    backoff_delay,
    parse_retry_after,
)

FAST = HttpSettings(connect_timeout=1, read_timeout=1, retries=3, backoff_base=0.01, backoff_cap=0.05)


class Script:
    """Answers in order: (status, headers, body) or "drop" (close without answering)."""

    def __init__(self) -> None:
        self.answers: list = []
        self.seen: list[dict] = []


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        def log_message(self, *_a) -> None:  # keep pytest output clean
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            script.seen.append({"path": self.path, "auth": self.headers.get("Authorization", "")})
            answer = script.answers.pop(0) if script.answers else (200, {}, {"ok": True})
            if answer == "hang":  # took the connection; answers long after any read timeout here
                time.sleep(2)
                answer = (200, {}, {"late": True})
            if answer == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            status, headers, body = answer
            data = json.dumps(body).encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

    return H


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()
    httpd.server_close()


def test_5xx_and_dropped_connections_are_retried_until_an_answer(server) -> None:
    url, script = server
    script.answers = [(500, {}, {}), "drop", (502, {}, {}), (200, {}, {"value": 7})]
    assert PlatformHttp(url, FAST).get("/x") == {"value": 7}
    assert len(script.seen) == 4


def test_too_many_failures_end_in_a_typed_error_in_chinese(server) -> None:
    url, script = server
    script.answers = ["drop"] * 10
    with pytest.raises(PlatformUnreachable) as err:
        PlatformHttp(url, FAST).post("/x", {"a": 1})
    assert err.value.code == "PLATFORM_UNREACHABLE" and "离线" in err.value.message
    assert len(script.seen) == FAST.retries + 1


def test_silence_after_connecting_is_asked_again_only_where_the_settings_allow(server) -> None:
    url, script = server
    patient = replace(FAST, read_timeout=0.3, retries=2)
    script.answers = ["hang"] * 3
    with pytest.raises(PlatformNoAnswer):
        PlatformHttp(url, patient).get("/x")  # a push: a big batch may just be slow
    assert len(script.seen) == 3
    script.seen.clear()
    script.answers = ["hang", "drop", "drop"]
    with pytest.raises(PlatformNoAnswer) as err:
        PlatformHttp(url, replace(patient, retry_no_answer=False)).get("/x")  # a person is waiting
    assert len(script.seen) == 1 and err.value.code == "PLATFORM_UNREACHABLE"
    assert "0.3 秒内没有应答" in err.value.message
    script.seen.clear()
    script.answers = ["drop", (200, {}, {"ok": 2})]  # a dropped connection is still tried again
    assert PlatformHttp(url, replace(patient, retry_no_answer=False)).get("/x") == {"ok": 2}


def test_short_maintenance_is_waited_out_long_one_is_reported(server) -> None:
    url, script = server
    script.answers = [(503, {"Retry-After": "0"}, {}), (200, {}, {"ok": 1})]
    assert PlatformHttp(url, FAST).get("/x") == {"ok": 1}
    script.answers = [(503, {"Retry-After": "3600"}, {})]
    with pytest.raises(PlatformMaintenance) as err:
        PlatformHttp(url, FAST).get("/x")
    assert err.value.retry_after == 3600 and "维护" in err.value.message


def test_an_expired_token_is_renewed_once_then_the_call_goes_through(server) -> None:
    url, script = server
    tokens = iter(["old", "new", "newer"])
    current = {"t": next(tokens)}
    script.answers = [(401, {}, {"detail": "expired"}), (200, {}, {"ok": 1})]
    http = PlatformHttp(url, FAST, token=lambda: current["t"], reauthenticate=lambda: current.update(t=next(tokens)))
    assert http.get("/x") == {"ok": 1}
    assert [s["auth"] for s in script.seen] == ["Bearer old", "Bearer new"]
    script.answers = [(401, {}, {}), (401, {}, {})]
    with pytest.raises(AuthExpired):
        http.get("/x")


def test_a_4xx_is_not_retried_and_says_why(server) -> None:
    url, script = server
    script.answers = [(422, {}, {"detail": "字段缺失"})]
    with pytest.raises(PlatformRefused) as err:
        PlatformHttp(url, FAST).post("/x", {})
    assert err.value.status == 422 and "字段缺失" in err.value.message and len(script.seen) == 1


def test_nothing_listening_is_unreachable() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    with pytest.raises(PlatformUnreachable):
        PlatformHttp(f"http://127.0.0.1:{port}", FAST).get("/health")


def test_backoff_grows_exponentially_within_the_cap_and_retry_after_dates_parse() -> None:
    s = HttpSettings(backoff_base=0.5, backoff_cap=4)
    assert [backoff_delay(n, s, rng=lambda: 1.0) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert backoff_delay(3, s, rng=lambda: 0.25) == 1.0
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: go now
    assert parse_retry_after("soon") is None
