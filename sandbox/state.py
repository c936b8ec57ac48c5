"""What a running sandbox holds: its configuration, store, calendars, fault switches and
ingest clock — one object on app.state, reached by routes through `sandbox_state`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from fastapi import Request

from sandbox.attachments import AttachmentFiles
from sandbox.auth import seed_clerks
from sandbox.back_office import advance_due_cases, deliver_mailed
from sandbox.calendars import Calendars
from sandbox.catalog import load_catalog, read_catalog_file
from sandbox.config import SandboxConfig
from sandbox.enrolment import EnrolmentLimiter
from sandbox.faults import FaultState
from sandbox.store import Store

log = logging.getLogger("sandbox")


@dataclass
class IngestClock:
    """Server-side time spent on event batches since the start (the benchmark's baseline)."""

    batches: int = 0
    events: int = 0
    seconds: float = 0.0  # applying and committing
    request_seconds: float = 0.0  # the whole request: reading and checking the body, applying, answering


@dataclass
class SandboxState:
    config: SandboxConfig
    store: Store
    calendars: Calendars
    faults: FaultState
    catalog_revision: str = ""
    ingest: IngestClock = field(default_factory=IngestClock)
    relaunch_argv: list[str] | None = None  # how to start this very sandbox again (restart switch)
    enrolment_limiter: EnrolmentLimiter = field(default_factory=EnrolmentLimiter)
    control_token: str = ""  # the control switches' key (demo, training, test mode only)
    attachments: AttachmentFiles | None = None  # set by open_state (inside the data dir)

    def run_back_office(self) -> int:
        t = self.config.tunables
        with self.store.transaction() as s:
            taken = advance_due_cases(s, t.back_office_delay_seconds, t.denial_share)
            if t.courier_delay_seconds > 0:
                taken += deliver_mailed(s, t.courier_delay_seconds)
            return taken


def sandbox_state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def open_state(config: SandboxConfig, faults: FaultState, relaunch_argv: list[str] | None = None) -> SandboxState:
    store = Store(config.data_dir)
    revision, items = read_catalog_file(config.catalog_file)
    with store.transaction() as s:
        seed_clerks(s)
        added = load_catalog(s, items)
    log.info("catalog %s: %d items, %d changes recorded", revision, len(items), added)
    return SandboxState(config, store, Calendars(config.calendar_dir), faults, revision, relaunch_argv=relaunch_argv,
                        attachments=AttachmentFiles(config.data_dir))
