"""HTTP to the platform: one requests.Session, a timeout on every call, retries with
exponential backoff and full jitter, TLS verified (optionally against a configured CA
bundle), and every failure turned into one of a few typed errors with a code for the log
and a sentence in Chinese for the clerk.

Retried: connection errors (refused, reset, dropped mid-answer), timeouts, 5xx, and 503
(maintenance) honouring Retry-After when it is short. A platform that took the connection and
then said nothing for the whole read timeout is retried only where the settings allow it
(`retry_no_answer`): a person waiting on the answer, or the check that the platform is there at
all, is better told at once than made to wait the same timeout again. Every call the client makes is safe
to repeat: events carry their own id and the platform deduplicates by it.
A 401 gets one transparent re-login through `reauthenticate` (the terminal credential),
then the call is repeated once.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from app.errors import ClerkDeskError


class PlatformError(ClerkDeskError):
    """Any failure talking to the platform: its own kind, not a rule problem (the input was
    fine; the link was not). Screens show `message` like any ClerkDeskError."""

    code_name = "PLATFORM_ERROR"

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None,
                 platform_code: str = ""):
        super().__init__(self.code_name, message)
        self.status = status
        self.retry_after = retry_after
        self.platform_code = platform_code  # the platform's own code (contract ErrorBody.code)


class PlatformUnreachable(PlatformError):
    code_name = "PLATFORM_UNREACHABLE"


class PlatformNoAnswer(PlatformUnreachable):
    """Connected, then no answer within the read timeout: the platform (or a proxy) is hung."""


class PlatformMaintenance(PlatformError):
    code_name = "PLATFORM_MAINTENANCE"


class AuthExpired(PlatformError):
    code_name = "AUTH_EXPIRED"


class PlatformRefused(PlatformError):
    """A 4xx other than 401: the request itself is wrong; repeating it will not help."""

    code_name = "PLATFORM_REFUSED"


class PlatformServerError(PlatformError):
    code_name = "PLATFORM_ERROR"


class PlatformTLSError(PlatformError):
    code_name = "PLATFORM_TLS"


class PlatformProtocolError(PlatformError):
    """The answer does not match the contract (bad JSON, missing fields)."""

    code_name = "PLATFORM_PROTOCOL"


class SyncCancelled(Exception):
    """stop() was asked while waiting to retry."""


def unreachable(detail: str) -> PlatformUnreachable:
    return PlatformUnreachable(f"无法连接政务服务平台（{detail}）。本机继续离线工作，网络恢复后会自动同步。")


def no_answer(seconds: float) -> PlatformNoAnswer:
    return PlatformNoAnswer(f"政务服务平台已连接但 {seconds:g} 秒内没有应答。本机继续离线工作，平台恢复后会自动同步。")


def maintenance(retry_after: float | None) -> PlatformMaintenance:
    when = f"约 {int(retry_after)} 秒后" if retry_after else "稍后"
    return PlatformMaintenance(f"政务服务平台正在维护，{when}自动重试。本机继续离线工作。", 503, retry_after)


@dataclass(frozen=True)
class RawJson:
    """A request body that is already JSON text (the outbox's stored events), sent as is."""

    text: str


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 3.05
    read_timeout: float = 20.0
    retries: int = 4  # extra attempts after the first
    backoff_base: float = 0.25  # seconds; attempt n waits up to base * 2**n (full jitter)
    backoff_cap: float = 8.0
    longest_retry_after: float = 30.0  # a longer Retry-After ends the call: the scheduler comes back later
    retry_no_answer: bool = True  # after a read timeout too (a big batch may just be slow to answer)
    ca_bundle: str = ""  # "" = the system's trust store (certifi)


RETRY_STATUSES = frozenset({500, 502, 503, 504})


def backoff_delay(attempt: int, settings: HttpSettings, rng: Callable[[], float] = random.random) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)] — retries from many terminals
    after an outage spread out instead of arriving together."""
    return rng() * min(settings.backoff_cap, settings.backoff_base * (2 ** attempt))


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class PlatformHttp:
    """JSON over HTTP(S) to one platform. Thread-confined: the sync thread owns one."""

    def __init__(self, base_url: str, settings: HttpSettings | None = None,
                 token: Callable[[], str] | None = None, reauthenticate: Callable[[], None] | None = None,
                 cancel: threading.Event | None = None, rng: Callable[[], float] = random.random,
                 on_retry: Callable[[PlatformError], None] | None = None):
        """`on_retry`: told of each failure that is about to be retried (the sync thread's status)."""
        self.base_url = base_url.rstrip("/")
        self.settings = settings or HttpSettings()
        self._token = token
        self._reauthenticate = reauthenticate
        self._cancel = cancel or threading.Event()
        self._rng = rng
        self._on_retry = on_retry
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=0, pool_connections=2, pool_maxsize=4)  # retries are ours
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._verify: str | bool = True
        if self.settings.ca_bundle:
            bundle = Path(self.settings.ca_bundle).expanduser()
            if not bundle.is_file():
                raise PlatformTLSError(f"设置的平台证书文件（CA）不存在或无法读取：{bundle}。请管理员检查“ca_bundle”设置。")
            self._verify = str(bundle)
        self.session.verify = self._verify
        self.session.headers["Accept"] = "application/json"

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, params: dict | None = None, auth: bool = True,
            settings: HttpSettings | None = None) -> Any:
        return self.request("GET", path, params=params, auth=auth, settings=settings)

    def post(self, path: str, body: Any = None, auth: bool = True) -> Any:
        return self.request("POST", path, body=body, auth=auth)

    def put_bytes(self, path: str, data: bytes) -> Any:
        """Raw bytes up (an attachment's chunk), JSON back."""
        return self.request("PUT", path, content=data)

    def get_bytes(self, path: str) -> bytes:
        """Raw bytes down (an attachment's content)."""
        return self.request("GET", path, raw=True)

    def request(self, method: str, path: str, body: Any = None, params: dict | None = None, auth: bool = True,
                content: bytes | None = None, raw: bool = False, settings: HttpSettings | None = None) -> Any:
        """`settings`: this call's own timeouts and retries (e.g. a short probe), else the client's."""
        settings = settings or self.settings
        relogged = False
        attempt = 0
        while True:
            try:
                response = self._send(method, path, body, params, auth, content, settings)
            except PlatformError as err:
                if not _should_retry(err, attempt, settings):
                    raise
                if self._on_retry is not None:
                    self._on_retry(err)
                self._wait(err.retry_after if err.retry_after is not None else backoff_delay(attempt, settings, self._rng))
                attempt += 1
                continue
            if (response.status_code == 401 and auth and self._reauthenticate and not relogged
                    and _error_code(response) not in NOT_A_TOKEN_PROBLEM):
                relogged = True
                self._reauthenticate()
                continue
            return self._decode(response, raw)

    def _wait(self, seconds: float) -> None:
        if self._cancel.wait(max(0.0, seconds)):
            raise SyncCancelled()

    def _send(self, method: str, path: str, body: Any, params: dict | None, auth: bool,
              content: bytes | None, settings: HttpSettings) -> requests.Response:
        if self._cancel.is_set():
            raise SyncCancelled()
        headers = {"Content-Type": "application/octet-stream"} if content is not None else {}
        if auth and self._token is not None:
            headers["Authorization"] = f"Bearer {self._token()}"
        data = content  # raw bytes (an attachment's chunk), or None for JSON
        if isinstance(body, RawJson):
            data, body = body.text.encode("utf-8"), None
            headers["Content-Type"] = "application/json"
        try:
            # verify= on every call: requests would otherwise let REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE
            # from the environment override the terminal's own CA setting.
            response = self.session.request(
                method, self.base_url + path, json=body, data=data, params=params, headers=headers, verify=self._verify,
                timeout=(settings.connect_timeout, settings.read_timeout))
        except requests.exceptions.SSLError as exc:
            raise PlatformTLSError("平台的安全证书校验失败，已停止连接。请管理员检查平台地址和证书（CA）设置。") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise no_answer(settings.read_timeout) from exc
        except requests.exceptions.Timeout as exc:
            raise unreachable("连接超时") from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise unreachable("网络连接失败或被中断") from exc
        except requests.exceptions.RequestException as exc:
            raise unreachable(type(exc).__name__) from exc
        if response.status_code == 503:
            raise maintenance(parse_retry_after(response.headers.get("Retry-After")))
        if response.status_code in RETRY_STATUSES:
            raise PlatformServerError(f"政务服务平台暂时出错（HTTP {response.status_code}），稍后自动重试。",
                                      response.status_code)
        return response

    def _decode(self, response: requests.Response, raw: bool = False) -> Any:
        status = response.status_code
        code = _error_code(response) if status >= 400 else ""
        if status == 401 and code not in NOT_A_TOKEN_PROBLEM:
            raise AuthExpired("与政务服务平台的登录已失效，且无法自动重新登录。请管理员重新注册本终端。", 401,
                              platform_code=code)
        if 400 <= status < 500:
            raise PlatformRefused(f"平台拒绝了请求（HTTP {status}）：{_detail(response)}", status, platform_code=code)
        if raw:
            return response.content
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise PlatformProtocolError("平台返回的内容不是有效的 JSON，可能连到了错误的地址。", status) from exc


def _should_retry(err: PlatformError, attempt: int, settings: HttpSettings) -> bool:
    if attempt >= settings.retries:
        return False
    if isinstance(err, PlatformMaintenance):
        return err.retry_after is None or err.retry_after <= settings.longest_retry_after
    if isinstance(err, PlatformNoAnswer):
        return settings.retry_no_answer
    return isinstance(err, PlatformUnreachable | PlatformServerError)


# A 401 with these codes is about the credentials sent in the body, not the bearer token:
# re-logging the terminal in would not help (contract ErrorCode).
NOT_A_TOKEN_PROBLEM = frozenset({"LOGIN_FAILED", "TERMINAL_CREDENTIAL_INVALID"})


def _error_code(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return data.get("code", "") if isinstance(data, dict) and isinstance(data.get("code"), str) else ""


def _detail(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        for key in ("message", "detail", "error"):
            if isinstance(data.get(key), str):
                return data[key]
        if isinstance(data.get("detail"), list | dict):
            return str(data["detail"])[:200]
    return str(data)[:200]
