"""The app's side of the outbox push (DESIGN.md §6): which events go next, what the platform
answered, the "needs attention" list a person resolves, and the figures the status bar shows.

Order per case: a case's later event never goes before an earlier one of the same case that
is still pending, in flight, or rejected and waiting for a person. Events of other cases are
never held up by it.

Crash safety: `take_batch` marks the batch "sending" durably BEFORE the HTTP call; anything
still "sending" at the next start is sent again under the same event_id, and the platform
answers "duplicate" for those it already has — so a kill -9 loses nothing and applies
nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import String, and_, exists, func, select, type_coerce, update
from sqlalchemy.orm import aliased

from app.actor import SYSTEM, Actor
from app.changes import Changes, OpResult
from app.context import AppContext
from app.permissions import Perm
from app.rules.problems import Problem, RuleError
from app.settings import NUMERIC_KEYS, SYNC_KEYS
from app.storage.attachment_models import MaterialPage
from app.storage.models import OutboxEvent
from app.storage.pickup_models import HandoverPage
from app.storage.sync_models import AttentionItem, SyncCursor
from app.unit_of_work import UnitOfWork

# Outbox statuses this module uses (the column exists since 0001 with "pending").
PENDING, SENDING, DONE, ATTENTION, ACKNOWLEDGED = "pending", "sending", "done", "attention", "acknowledged"
QUEUED = (PENDING, SENDING)

def platform_url_problem(url: str) -> Problem | None:
    """Citizens' data leaves the PC only over TLS: plain http:// is allowed to this PC alone
    (the demo and training sandbox), never to another machine."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return None
    if parts.scheme == "http":
        return Problem("PLATFORM_URL_NOT_TLS", f"平台地址 {url} 未加密（http）。连接其他电脑上的平台必须使用 https。", "value")
    return Problem("PLATFORM_URL_INVALID", f"平台地址 {url} 不正确，应为 https://… 的完整地址。", "value")


def set_sync_setting(ctx: AppContext, actor: Actor, key: str, value: str) -> OpResult[str]:
    """Change one sync setting (platform address, interval, batch size, low mark …), audited."""
    actor.require(Perm.SYNC_CONFIGURE)
    if key not in SYNC_KEYS:
        raise RuleError(Problem("SETTING_UNKNOWN", f"没有名为 {key} 的同步设置。", "key"))
    if key in NUMERIC_KEYS and not value.strip().isdigit():
        raise RuleError(Problem("SETTING_NOT_A_NUMBER", f"设置 {key} 应为正整数。", "value"))
    value = value.strip().rstrip("/") if key == "platform_url" else value.strip()
    if key == "platform_url" and value:
        problem = platform_url_problem(value)
        if problem:
            raise RuleError(problem)
    with ctx.unit_of_work(actor) as uow:
        before = uow.put_setting(key, value)
        uow.audit("settings.change", "setting", key, {"from": before, "to": value})
    return OpResult(value, uow.changes.freeze())


# --- pushing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingEvent:
    seq: int
    event_id: str
    kind: str
    case_number: str
    payload_json: str  # the event exactly as queued, as stored: sent without parsing it again
    attempts: int  # including this one


@dataclass(frozen=True)
class Batch:
    batch_id: str
    events: tuple[OutgoingEvent, ...]


def _sendable():  # noqa: ANN202 - a SQLAlchemy select
    """Queued events not held behind an earlier rejected event of the same case."""
    earlier = aliased(OutboxEvent)
    held = exists().where(
        and_(earlier.case_number == OutboxEvent.case_number, earlier.case_number != "",
             earlier.status == ATTENTION, earlier.seq < OutboxEvent.seq)
    )
    # Plain columns, not ORM objects: a batch is read once and never changed through the ORM.
    # The payload as its stored JSON text: decoding 500 of them to re-encode the batch cost
    # the sync thread tens of milliseconds of GIL the window needed (issue 15, push stall).
    cols = (OutboxEvent.seq, OutboxEvent.event_id, OutboxEvent.kind, OutboxEvent.case_number,
            type_coerce(OutboxEvent.payload, String).label("payload_json"), OutboxEvent.attempts, OutboxEvent.status)
    return select(*cols).where(OutboxEvent.status.in_(QUEUED), ~held).order_by(OutboxEvent.seq)


def take_batch(ctx: AppContext, size: int) -> Batch:
    """The next events to send, oldest first, marked "sending" in one committed transaction
    before anything goes on the wire. Events left "sending" by a crash come first again."""
    batch_id = str(uuid.uuid4())
    with ctx.unit_of_work(SYSTEM) as uow:
        s, now = uow.session, uow.now
        rows = s.execute(_sendable().limit(max(1, size))).all()
        if not rows:
            return Batch(batch_id, ())
        seqs = [r.seq for r in rows]
        resent = sum(1 for r in rows if r.status == SENDING)
        events = tuple(OutgoingEvent(r.seq, r.event_id, r.kind, r.case_number, r.payload_json, r.attempts + 1) for r in rows)
        s.execute(update(OutboxEvent).where(OutboxEvent.seq.in_(seqs))
                  .values(status=SENDING, batch_id=batch_id, sent_at=now, attempts=OutboxEvent.attempts + 1))
        uow.audit("sync.send", "outbox_batch", batch_id, {"events": len(events), "resent": resent, "first_seq": seqs[0], "last_seq": seqs[-1]})
    return Batch(batch_id, events)


@dataclass(frozen=True)
class EventAnswer:
    event_id: str
    outcome: str  # applied | duplicate | rejected
    code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class PushSummary:
    applied: int = 0
    duplicate: int = 0
    rejected: int = 0  # new "needs attention" items
    held: int = 0  # rejected only because an earlier event of its case was: queued again behind it
    unanswered: int = 0  # still "sending": sent again next time

    def __add__(self, o: PushSummary) -> PushSummary:
        return PushSummary(self.applied + o.applied, self.duplicate + o.duplicate, self.rejected + o.rejected,
                           self.held + o.held, self.unanswered + o.unanswered)


def record_answers(ctx: AppContext, batch: Batch, answers: Sequence[EventAnswer]) -> OpResult[PushSummary]:
    """Mark each event of `batch` by the platform's answer, in one transaction.

    applied / duplicate → done. rejected → "needs attention" with the platform's code and
    reason — unless an earlier event of the same case was rejected in this batch, then it is
    queued again behind that one (the person resolves the cause once, not every consequence).
    An event the platform did not answer stays "sending" and goes again next time.
    """
    by_id = {a.event_id: a for a in answers}
    done: dict[str, list[int]] = {"applied": [], "duplicate": []}
    rejected: list[tuple[OutgoingEvent, EventAnswer]] = []
    held: list[tuple[OutgoingEvent, EventAnswer]] = []
    blocked_cases: set[str] = set()
    unanswered = 0
    for ev in batch.events:
        ans = by_id.get(ev.event_id)
        if ans is None or ans.outcome not in ("applied", "duplicate", "rejected"):
            unanswered += 1
            continue
        if ans.outcome in done:
            done[ans.outcome].append(ev.seq)
        elif ev.case_number and ev.case_number in blocked_cases:
            held.append((ev, ans))
        else:
            rejected.append((ev, ans))
            if ev.case_number:
                blocked_cases.add(ev.case_number)
    with ctx.unit_of_work(SYSTEM) as uow:
        s, now = uow.session, uow.now
        for outcome, seqs in done.items():
            if seqs:
                s.execute(update(OutboxEvent).where(OutboxEvent.seq.in_(seqs), OutboxEvent.status == SENDING)
                          .values(status=DONE, answer=outcome, answered_at=now, last_error=""))
        for ev, ans in held:
            s.execute(update(OutboxEvent).where(OutboxEvent.seq == ev.seq, OutboxEvent.status == SENDING).values(
                status=PENDING, answer="", answered_at=now,
                last_error=f"{ans.code}: 等待本办件之前被平台退回的事件处理后重发（{ans.reason}）"))
        for ev, ans in rejected:
            s.execute(update(OutboxEvent).where(OutboxEvent.seq == ev.seq, OutboxEvent.status == SENDING).values(
                status=ATTENTION, answer="rejected", answered_at=now, last_error=f"{ans.code}: {ans.reason}"))
            s.add(AttentionItem(event_seq=ev.seq, case_number=ev.case_number, code=ans.code or "REJECTED",
                                reason=ans.reason or "平台未说明原因", raised_at=now, attempt=ev.attempts))
        summary = PushSummary(len(done["applied"]), len(done["duplicate"]), len(rejected), len(held), unanswered)
        uow.audit("sync.answers", "outbox_batch", batch.batch_id, {
            "applied": summary.applied, "duplicate": summary.duplicate, "held": summary.held,
            "unanswered": summary.unanswered,
            "rejected": [{"event_id": ev.event_id, "case": ev.case_number, "code": a.code} for ev, a in rejected],
        })
    cases = frozenset(ev.case_number for ev, _ in rejected if ev.case_number)
    return OpResult(summary, Changes(cases=cases, outbox=True))


# --- needs attention -------------------------------------------------------------------------


RESOLUTIONS = {
    "requeue": "已处理，重新发送",  # the cause was fixed (e.g. the item resumed): send it again
    "acknowledge": "已知悉，不再发送",  # settled outside the sync (e.g. by phone with the department)
}


@dataclass(frozen=True)
class AttentionView:
    item_id: int
    case_number: str
    event_id: str
    event_kind: str
    occurred_at: str
    code: str
    reason: str
    raised_at: datetime
    held_events: int  # later events of the same case waiting behind this one
    resolution: str
    resolved_by: str
    resolved_at: datetime | None
    resolution_note: str

    @property
    def open(self) -> bool:
        return not self.resolution


def list_attention(ctx: AppContext, include_resolved: bool = False) -> list[AttentionView]:
    """Events the platform rejected, oldest first; resolved ones too when asked (the history)."""
    with ctx.read() as s:
        q = (select(AttentionItem, OutboxEvent).join(OutboxEvent, OutboxEvent.seq == AttentionItem.event_seq)
             .order_by(AttentionItem.id))
        if not include_resolved:
            q = q.where(AttentionItem.resolution == "")
        rows = s.execute(q).all()
        out = []
        for item, ev in rows:
            held = 0
            if item.resolution == "" and ev.case_number:
                held = s.scalar(select(func.count()).select_from(OutboxEvent).where(
                    OutboxEvent.case_number == ev.case_number, OutboxEvent.seq > ev.seq,
                    OutboxEvent.status.in_(QUEUED))) or 0
            out.append(AttentionView(
                item.id, item.case_number, ev.event_id, ev.kind, str(ev.payload.get("occurred_at", "")), item.code,
                item.reason, item.raised_at, held, item.resolution, item.resolved_by, item.resolved_at,
                item.resolution_note))
    return out


def resolve_attention(ctx: AppContext, actor: Actor, item_id: int, resolution: str, note: str = "") -> OpResult[str]:
    """A person settles a rejected event: "requeue" sends it again (first in its case),
    "acknowledge" stops sending it and lets the case's later events go. Nothing is deleted."""
    actor.require(Perm.SYNC_RESOLVE)
    if resolution not in RESOLUTIONS:
        raise RuleError(Problem("RESOLUTION_UNKNOWN", "请选择处理方式：重新发送，或已知悉不再发送。", "resolution"))
    if resolution == "acknowledge" and not note.strip():
        raise RuleError(Problem("RESOLUTION_NOTE_REQUIRED", "选择“已知悉，不再发送”时，请写明已如何处理（例如已电话告知业务部门）。", "note"))
    with ctx.unit_of_work(actor) as uow:
        s = uow.session
        item = s.get(AttentionItem, item_id)
        if item is None:
            raise RuleError(Problem("ATTENTION_NOT_FOUND", "找不到这条待处理记录，可能已被他人处理。"))
        if item.resolution:
            raise RuleError(Problem("ATTENTION_ALREADY_RESOLVED",
                                    f"这条记录已由 {item.resolved_by} 处理（{RESOLUTIONS[item.resolution]}）。"))
        ev = s.get(OutboxEvent, item.event_seq)
        item.resolution, item.resolved_by, item.resolved_at = resolution, actor.username, uow.now
        item.resolution_note = note.strip()
        ev.status = PENDING if resolution == "requeue" else ACKNOWLEDGED
        uow.audit(f"sync.attention.{resolution}", "outbox_event", ev.event_id, {"case": item.case_number, "code": item.code, "note": item.resolution_note})
    return OpResult(resolution, Changes(cases=frozenset({item.case_number}) if item.case_number else frozenset(),
                                        outbox=True))


# --- what the status bar shows ---------------------------------------------------------------


@dataclass(frozen=True)
class SyncOverview:
    platform_url: str
    queued: int  # waiting to be sent, or sent and not yet answered
    attention: int  # rejected events no person has resolved yet
    last_answer_at: datetime | None  # the platform's last answer to a pushed event
    attachments: int = 0  # scanned pages (intake and the desk's papers) the platform has not confirmed yet


@dataclass(frozen=True)
class QueueCounts:
    queued: int
    attention: int
    attachments: int


def queue_counts(ctx: AppContext) -> QueueCounts:
    """The counts the status bar shows going down while a push runs: small lookups by index, so
    the sync thread can ask after every batch. Not the time of the last answer (sync_overview):
    that max reads the whole outbox, 80–100 ms at 10,000 events, and asked after every batch it
    was about a third of a 10,000-event push (issue 15)."""
    with ctx.read() as s:
        queued = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status.in_(QUEUED))) or 0
        attention = s.scalar(select(func.count()).select_from(AttentionItem).where(AttentionItem.resolution == "")) or 0
        pages = (s.scalar(select(func.count()).select_from(MaterialPage).where(MaterialPage.uploaded_at.is_(None))) or 0) + (
            s.scalar(select(func.count()).select_from(HandoverPage).where(HandoverPage.uploaded_at.is_(None))) or 0)
    return QueueCounts(queued, attention, pages)


# The time of the platform's last answer: one probe of the answered_at index (migration 0014),
# not a read of the whole outbox, since the main window asks for it as it opens.
# The index is partial (answered rows only, migration 0015): the WHERE lets the planner use it.
LAST_ANSWER = select(func.max(OutboxEvent.answered_at)).where(OutboxEvent.answered_at.is_not(None))


def sync_overview(ctx: AppContext) -> SyncOverview:
    counts = queue_counts(ctx)
    with ctx.read() as s:
        last = s.scalar(LAST_ANSWER)
    return SyncOverview(ctx.settings.get("platform_url"), counts.queued, counts.attention, last, counts.attachments)


def event_statuses(ctx: AppContext, case_number: str) -> list[tuple[str, str, str]]:
    """(kind, status, answer) of every event of a case, oldest first — for the case view and tests."""
    with ctx.read() as s:
        rows = s.execute(select(OutboxEvent.kind, OutboxEvent.status, OutboxEvent.answer)
                         .where(OutboxEvent.case_number == case_number).order_by(OutboxEvent.seq)).all()
    return [tuple(r) for r in rows]


# --- cursors --------------------------------------------------------------------------------


def read_cursor(ctx: AppContext, name: str) -> str:
    with ctx.read() as s:
        row = s.get(SyncCursor, name)
        return row.value if row else ""


def write_cursor(uow: UnitOfWork, name: str, value: str) -> None:
    """Inside the caller's transaction, with the changes the cursor covers."""
    row = uow.session.get(SyncCursor, name)
    if row is None:
        uow.session.add(SyncCursor(name=name, value=value, updated_at=uow.now))
    else:
        row.value, row.updated_at = value, uow.now
