"""What the platform sends down, applied to the terminal (DESIGN.md §6): catalog changes,
holiday calendars, leased number blocks and back-office case progress.

Each apply is one transaction together with the cursor it advances, so a crash between
"received" and "applied" just pulls the same page again — and every apply is idempotent.
Inputs are plain data (the catalog file's item shape, dataclasses): app/ knows no HTTP.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from app.actor import PLATFORM, SYSTEM
from app.case_states import CASE_WORKFLOW, PROGRESS_TARGETS, Action, State
from app.catalog_format import ItemRecord, parse_item
from app.changes import Changes, OpResult
from app.context import AppContext
from app.rules.case_number import number_prefix
from app.rules.problems import RuleError
from app.rules.workdays import calendar_to_file, parse_calendar_file
from app.storage.models import CalendarYear, Case, CaseEvent, Clerk, NumberBlock, Party, ServiceItem
from app.storage.pickup_models import Handover, PlatformCertificate
from app.storage.sync_models import SyncCursor
from app.usecases.calendar import import_calendar
from app.usecases.case_flow import apply_transition
from app.usecases.catalog import upsert_items
from app.usecases.sync_state import write_cursor
from app.workflow import By

CATALOG_CURSOR, PROGRESS_CURSOR = "catalog", "progress"

# --- catalog --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogChangeSummary:
    added: int
    updated: int
    status_changed: int
    unchanged: int
    refused: tuple[str, ...]  # items the platform sent malformed: "code: why"
    cursor: str


def apply_catalog_changes(ctx: AppContext, items: Sequence[dict], cursor: str, revision: str = "") -> OpResult[CatalogChangeSummary]:
    """Upsert the items (catalog-file shape, status included) and advance the catalog cursor.
    A suspended or terminated item is refused for intake from this commit on. A malformed
    item is refused by name and the rest still apply: one bad record must not stop a
    suspension from reaching the window."""
    records: list[ItemRecord] = []
    refused: list[str] = []
    for i, raw in enumerate(items):
        rec, problems = parse_item(raw, i)
        if rec is None:
            code = raw.get("implementation_code", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
            refused.append(f"{code}: {problems[0].message if problems else '格式不对'}")
        else:
            records.append(rec)
    with ctx.unit_of_work(SYSTEM) as uow:
        counts = upsert_items(uow.session, records, revision or cursor, uow.now)
        write_cursor(uow, CATALOG_CURSOR, cursor)
        summary = CatalogChangeSummary(counts["added"], counts["updated"], counts["status"], counts["unchanged"],
                                       tuple(refused), cursor)
        if records or refused:
            uow.audit("catalog.pull", "catalog", cursor, {
                "added": summary.added, "updated": summary.updated, "status_changed": summary.status_changed,
                "refused": list(refused),
                "status": {r.implementation_code: r.status for r in records if r.status != "active"}})
    changed = summary.added + summary.updated + summary.status_changed > 0
    return OpResult(summary, Changes(catalog=changed))


# --- calendars ------------------------------------------------------------------------------


def apply_platform_calendar(ctx: AppContext, data: dict) -> OpResult[bool]:
    """Store the platform's calendar for its year (overrides the package default). True when
    it changed what the terminal had; an identical one is not re-imported (no case recompute)."""
    cal = parse_calendar_file(data)
    with ctx.read() as s:
        row = s.get(CalendarYear, cal.year)
        same = row is not None and row.source == "platform" and row.data == calendar_to_file(cal)
    if same:
        return OpResult(False)
    result = import_calendar(ctx, SYSTEM, data, source="platform")
    return OpResult(True, result.changes)


def calendar_years_wanted(ctx: AppContext) -> list[int]:
    """Last year, this year and next: deadlines of open cases reach across New Year."""
    y = ctx.today().year
    return [y - 1, y, y + 1]


# --- number blocks --------------------------------------------------------------------------


def _platform_numbers_left(s, prefix: str) -> int:  # noqa: ANN001 - a Session
    value = s.scalar(select(func.coalesce(func.sum(NumberBlock.last - NumberBlock.next + 1), 0)).where(
        NumberBlock.prefix == prefix, NumberBlock.exhausted.is_(False), NumberBlock.source == "platform"))
    return int(value or 0)


def years_needing_numbers(ctx: AppContext) -> list[int]:
    """Years whose official (platform) numbers have fallen below the low mark: this year, and
    next year from `number_lease_ahead_days` before New Year, so a clerk working past midnight
    on 31 December — offline — still gets official numbers."""
    low = ctx.settings.int("number_low_mark")
    today = ctx.today()
    years = [today.year]
    if (date(today.year + 1, 1, 1) - today) <= timedelta(days=ctx.settings.int("number_lease_ahead_days")):
        years.append(today.year + 1)
    area = ctx.settings.get("area_code")
    with ctx.read() as s:
        return [y for y in years if _platform_numbers_left(s, number_prefix(area, y)) < low]


def _lease_cursor(year: int) -> str:
    return f"lease_request:{year}"


def lease_request_id(ctx: AppContext, year: int) -> str:
    """The id of this terminal's lease request for `year`, made once and kept (committed)
    until the block is stored: asking again after a lost answer or a crash gets the same
    block from the platform instead of burning a second one."""
    name = _lease_cursor(year)
    with ctx.unit_of_work(SYSTEM) as uow:
        row = uow.session.get(SyncCursor, name)
        if row is not None and row.value:
            return row.value
        request_id = str(uuid.uuid4())
        write_cursor(uow, name, request_id)
        uow.audit("numbers.lease_request", "number_block", str(year), {"request_id": request_id})
    return request_id


@dataclass(frozen=True)
class LeasedBlock:
    year: int
    first: int
    last: int
    lease_id: str = ""


def store_leased_block(ctx: AppContext, block: LeasedBlock) -> OpResult[bool]:
    """Keep a block the platform leased to this terminal. Idempotent (the same block twice is
    stored once). From the first platform block of a year on, that year's demo numbers are
    retired (marked used up, never deleted): only platform numbers are official."""
    with ctx.unit_of_work(SYSTEM) as uow:
        s = uow.session
        prefix = number_prefix(uow.settings.get("area_code"), block.year)
        seen = s.scalar(select(func.count()).select_from(NumberBlock).where(
            NumberBlock.prefix == prefix, NumberBlock.first == block.first, NumberBlock.source == "platform"))
        if seen:
            return OpResult(False)
        s.add(NumberBlock(prefix=prefix, first=block.first, last=block.last, next=block.first, source="platform",
                          leased_at=uow.now))
        write_cursor(uow, _lease_cursor(block.year), "")  # answered: the next lease is a new request
        retired = s.execute(update(NumberBlock).where(
            NumberBlock.prefix == prefix, NumberBlock.source == "demo", NumberBlock.exhausted.is_(False))
            .values(exhausted=True)).rowcount
        uow.audit("numbers.lease", "number_block", f"{prefix}:{block.first}", {"first": block.first, "last": block.last, "lease_id": block.lease_id, "demo_blocks_retired": retired})
        uow.changes.numbers = True  # the status bar's count of numbers left changed
    return OpResult(True, uow.changes.freeze())


# --- case progress --------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateInfo:
    """The certificate the department issued (contract IssuedCertificate), plain data."""

    certificate_no: str
    name: str
    item_code: str
    holder_kind: str
    holder_name: str
    holder_id_type: str = ""
    holder_id_number: str = ""
    issued_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    decided_on: date | None = None
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DeliveryInfo:
    """The courier's 妥投 (contract DeliveryConfirmation)."""

    tracking_no: str = ""
    signed_by: str = ""


@dataclass(frozen=True)
class ProgressEntry:
    case_number: str
    step: str  # a progress step of the workflow (contract ProgressStep)
    at: datetime | None = None
    note: str = ""
    progress_id: str = ""
    certificate: CertificateInfo | None = None  # with certificate_ready
    delivery: DeliveryInfo | None = None  # with delivered


@dataclass(frozen=True)
class ProgressSummary:
    moved: int  # cases moved on
    already: int  # the case was there already (a replay, or a later step came first)
    unknown: int  # not a case of this terminal
    refused: tuple[str, ...]  # "number: why" — the table does not allow it from the case's state
    cursor: str


def platform_path(start: State, target: State) -> list[Action] | None:
    """The shortest run of the platform's own steps from `start` to `target` in the workflow."""
    return CASE_WORKFLOW.path(start, target, lambda r: By.PLATFORM in r.by)


def apply_progress(ctx: AppContext, entries: Sequence[ProgressEntry], cursor: str) -> OpResult[ProgressSummary]:
    """Move this terminal's cases on as the back office reports, through the workflow table,
    as the platform (its own actor), audited, not queued back. Idempotent."""
    moved, already, unknown, refused = 0, 0, 0, []
    with ctx.unit_of_work(PLATFORM) as uow:
        s = uow.session
        for e in entries:
            target = PROGRESS_TARGETS.get(e.step)
            case = s.scalars(select(Case).where(Case.number == e.case_number)).first()
            if e.certificate is not None:
                _keep_certificate(uow, e.case_number, e.certificate)
                if case is None and target is not None:
                    case = _hall_copy(uow, e, target, refused)
                    moved += case is not None
                    continue
            if case is None:
                unknown += 1
                continue
            if e.delivery is not None:
                _record_delivery(uow, case, e)
            if target is None:
                refused.append(f"{e.case_number}: 未知进度 {e.step}")
                continue
            start = State(case.state)
            path = platform_path(start, target)
            if path == [] or (path is None and CASE_WORKFLOW.is_past(start, target)):
                already += 1
                continue
            if path is None:
                refused.append(f"{e.case_number}: 办件当前为 {start.value}，不能直接变为 {target.value}")
                continue
            try:
                for action in path:
                    apply_transition(uow, case, action, note=e.note, progress_id=e.progress_id,
                                     reported_at=e.at.isoformat() if e.at else "")
            except RuleError as err:  # the table is the only judge; path finding used it too
                refused.append(f"{e.case_number}: {err.message}")
                continue
            moved += 1
        write_cursor(uow, PROGRESS_CURSOR, cursor)
        summary = ProgressSummary(moved, already, unknown, tuple(refused), cursor)
        if entries:
            uow.audit("progress.pull", "progress", cursor,
                      {"moved": moved, "already": already, "unknown": unknown, "refused": list(refused)})
    return OpResult(summary, uow.changes.freeze())


def _keep_certificate(uow, number: str, c: CertificateInfo) -> None:  # noqa: ANN001 — a UnitOfWork
    """The platform's certificate for the case (a replay rewrites the same values)."""
    row = uow.session.get(PlatformCertificate, number) or PlatformCertificate(case_number=number)
    row.certificate_no, row.name, row.item_code, row.holder_name = c.certificate_no, c.name, c.item_code, c.holder_name
    row.issued_on, row.valid_from, row.valid_until, row.decided_on = c.issued_on, c.valid_from, c.valid_until, c.decided_on
    row.fields, row.received_at = dict(c.fields), uow.now
    uow.session.add(row)


def _record_delivery(uow, case: Case, e: ProgressEntry) -> None:  # noqa: ANN001 — a UnitOfWork
    mail = uow.session.scalars(select(Handover).where(Handover.case_id == case.id, Handover.kind == "mail")
                               .order_by(Handover.id.desc())).first()
    if mail is not None and mail.delivered_at is None:
        mail.delivered_at = e.at or uow.now
        mail.delivered_to = (e.delivery.signed_by if e.delivery else "")[:100]


PLATFORM_CLERK = "platform"  # the inactive account a hall copy names as its receiving clerk


def _platform_clerk(s, now: datetime) -> int:  # noqa: ANN001 — a Session
    """Cases received at another terminal name no clerk of this one: they are recorded under an
    inactive account that can never log in (no password hash)."""
    row = s.scalars(select(Clerk).where(Clerk.username == PLATFORM_CLERK)).first()
    if row is None:
        row = Clerk(username=PLATFORM_CLERK, display_name="政务服务平台", role="platform", password_hash="!",
                    window_no="", active=False, created_at=now)
        s.add(row)
        s.flush()
    return row.id


def _hall_copy(uow, e: ProgressEntry, target: State, refused: list[str]) -> Case | None:  # noqa: ANN001
    """A certificate of the hall's case received at another terminal (the contract's pick-up
    rule): the desk keeps what it needs to hand it over — the item, the holder, the state the
    platform reports. Nothing goes back to the platform (it reported this)."""
    s, c = uow.session, e.certificate
    assert c is not None
    item = s.scalars(select(ServiceItem).where(ServiceItem.implementation_code == c.item_code)).first()
    if item is None:
        refused.append(f"{e.case_number}: 本机事项目录中没有 {c.item_code}，请先同步事项目录")
        return None
    holder = Party(kind=c.holder_kind, name=c.holder_name, id_type=c.holder_id_type, id_number=c.holder_id_number,
                   created_at=uow.now)
    s.add(holder)
    s.flush()
    at = e.at or uow.now
    case = Case(number=e.case_number, item_id=item.id, applicant_id=holder.id, channel="window",
                clerk_id=_platform_clerk(s, uow.now), window_no="", terminal_id="", received_at=at, received_on=at.date(),
                round=1, round_received_on=at.date(), state=target.value, acceptance_due=at.date(),
                acceptance_basis="decision", updated_at=at)
    s.add(case)
    s.flush()
    s.add(CaseEvent(case_id=case.id, at=uow.now, actor=PLATFORM.username, action="certificate_ready", from_state="",
                    to_state=target.value, note="本厅其他窗口受理的办件，证照由本发证窗口发放",
                    detail={"progress_id": e.progress_id, "hall_copy": True}))
    uow.audit("case.hall_copy", "case", case.number, {"item_code": c.item_code, "state": target.value})
    uow.changes.case(case.number)
    return case
