"""How a sandbox runs: fixed at start (data dir, catalog file, mode) and adjustable while it
runs (token lifetime, back office pace) through POST /sandbox/config.

Modes: demo, training and test have the control switches (/sandbox/*), each request carrying
the control token the sandbox writes at start to CONTROL_TOKEN_FILE in its data dir (0600);
production — a sandbox standing in for the platform where no one may steer it — mounts no
control switches at all and accepts no standing enrolment code (one-time codes only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

ROOT = Path(__file__).resolve().parents[1]
DEMO_CATALOG = ROOT / "resources" / "catalog" / "demo_catalog.json"
DEFAULT_ENROLMENT_CODE = "YC-DEMO-2026"  # the demo hall's enrolment code (注册码)
CONTROL_MODES = ("demo", "training", "test")
MODES = (*CONTROL_MODES, "production")
CONTROL_TOKEN_FILE = "control-token"  # in the data dir, 0600, written anew at every start
CONTROL_TOKEN_HEADER = "X-Sandbox-Control-Token"


class Tunables(BaseModel):
    """Settings a test or a trainer may change while the sandbox runs."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    token_ttl_seconds: float = Field(default=8 * 3600, gt=0)
    back_office_delay_seconds: float = Field(default=30.0, ge=0)  # per step: 办理中 → 办结 → 待领取
    denial_share: float = Field(default=0.1, ge=0, le=1)  # share of accepted cases concluded "not approved"
    # The simulated courier: a mailed certificate is reported delivered (妥投) this many seconds
    # after the desk mailed it. 0: never by itself, only through the control endpoint (tests).
    courier_delay_seconds: float = Field(default=0.0, ge=0)


@dataclass
class SandboxConfig:
    data_dir: Path
    catalog_file: Path = DEMO_CATALOG
    calendar_dir: Path | None = None  # optional clerkdesk.calendar/v1 files (any name *.json) overriding the defaults
    enrolment_code: str = DEFAULT_ENROLMENT_CODE
    tunables: Tunables = field(default_factory=Tunables)
    mode: str = "demo"

    @property
    def has_controls(self) -> bool:
        return self.mode in CONTROL_MODES
