"""Terminals and clerks: registration, tokens, sessions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sync.contract.catalog import NumberBlock
from sync.contract.wire import (
    DEFAULT_FIRST_BLOCK_SIZE,
    MAX_BLOCK_SIZE,
    MIN_TERMINAL_SECRET,
    ContractModel,
    Timestamp,
)

# --- terminals and clerks ------------------------------------------------------------------


class TerminalRegistration(ContractModel):
    """POST /terminals/register. With a one-time code only `enrolment_code`, `request_id`,
    `terminal_secret` (and optionally `first_block_size`) count; terminal_id, area_code and
    name are for the standing demo code. `request_id` and `terminal_secret` come together:
    the terminal makes both before the first call, so a lost answer can be asked for again
    (package docstring, "Authentication")."""

    enrolment_code: str = Field(default="", max_length=64)  # 注册码 from the county's administrator
    terminal_id: str = Field(default="", max_length=64)
    area_code: str = Field(default="", pattern=r"^(\d{6})?$")  # 行政区划代码: the prefix of case numbers
    name: str = Field(default="", max_length=100)  # e.g. 河西堡镇便民服务中心
    first_block_size: int = Field(default=DEFAULT_FIRST_BLOCK_SIZE, ge=0, le=MAX_BLOCK_SIZE)
    request_id: str = Field(default="", max_length=64)  # the terminal's id for this enrolment attempt
    terminal_secret: str = Field(default="", max_length=200)  # the terminal's own credential, chosen by it

    @model_validator(mode="after")
    def _secret_with_request(self) -> TerminalRegistration:
        if bool(self.request_id) != bool(self.terminal_secret):
            raise ValueError("request_id 与 terminal_secret 须同时给出")
        if self.terminal_secret and len(self.terminal_secret) < MIN_TERMINAL_SECRET:
            raise ValueError(f"terminal_secret 至少 {MIN_TERMINAL_SECRET} 个字符")
        return self
    # The terminal's Ed25519 public key (raw 32 bytes, hex) for its audit checkpoints
    # (sync/contract/audit.py); "" from a terminal that registers it later (PUT terminals/key).
    public_key: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")


class AccessToken(ContractModel):
    token: str
    expires_at: Timestamp


Desk = Literal["window", "pickup"]


class TerminalRegistered(AccessToken):
    """Answer to registration: keep terminal_secret (for new tokens; "" when the terminal sent
    its own) and use token now. The identity fields are the platform's assignment (one-time code); with the standing demo code
    they echo the request and `number_block` is None."""

    terminal_id: str
    terminal_secret: str
    area_code: str = ""
    hall: str = ""  # hall or station (政务服务中心 / 便民服务中心), as printed on notices
    window: str = ""  # the window or desk inside it
    desk: Desk = "window"  # "pickup": the hall's 发证窗口 (entitled to the hall's cases)
    document_code: str = Field(default="", pattern=r"^(\d{2})?$")  # inside 文号: 第{code}{serial:05d}号
    county: str = ""
    review_body: str = ""  # 复议机关 named on rejection notices
    court: str = ""  # 人民法院 named on rejection notices
    replaces: str = ""  # the retired terminal this one succeeds (re-enrolment), else ""
    number_block: NumberBlock | None = None
    platform_key: str = ""  # the platform's Ed25519 public key (hex): pin it, it signs audit receipts


class TerminalTokenRequest(ContractModel):
    """POST /terminals/token: a new token for a registered terminal."""

    terminal_id: str
    terminal_secret: str


class SessionRequest(ContractModel):
    """POST /sessions (terminal token): a clerk's online login."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Clerk(ContractModel):
    username: str
    display_name: str
    role: Literal["clerk", "station", "pickup", "supervisor", "admin"]  # app.permissions.Role values
    window_no: str  # the window or station the clerk works at, as printed on notices


class ClerkSession(AccessToken):
    clerk: Clerk


