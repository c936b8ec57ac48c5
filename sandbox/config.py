"""How a sandbox runs: fixed at start (data dir, catalog file) and adjustable while it runs
(token lifetime, back office pace) through POST /sandbox/config."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

ROOT = Path(__file__).resolve().parents[1]
DEMO_CATALOG = ROOT / "resources" / "catalog" / "demo_catalog.json"
DEFAULT_ENROLMENT_CODE = "YC-DEMO-2026"  # the demo hall's enrolment code (注册码)


class Tunables(BaseModel):
    """Settings a test or a trainer may change while the sandbox runs."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    token_ttl_seconds: float = Field(default=8 * 3600, gt=0)
    back_office_delay_seconds: float = Field(default=30.0, ge=0)  # per step: 办理中 → 办结 → 待领取
    denial_share: float = Field(default=0.1, ge=0, le=1)  # share of accepted cases concluded "not approved"


@dataclass
class SandboxConfig:
    data_dir: Path
    catalog_file: Path = DEMO_CATALOG
    calendar_dir: Path | None = None  # optional clerkdesk.calendar/v1 files (any name *.json) overriding the defaults
    enrolment_code: str = DEFAULT_ENROLMENT_CODE
    tunables: Tunables = field(default_factory=Tunables)
