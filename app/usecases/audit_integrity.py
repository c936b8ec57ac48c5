"""Audit that cannot be rewritten unnoticed (issue 12, requirement 3): the app's side of the
signed checkpoints and the platform's receipts, and `verify-audit`'s full check. No HTTP here:
sync/checkpoint.py carries the checkpoint to the platform and brings the receipt back.

- A checkpoint states (terminal id, last audit seq, head hash) plus an *anchor*: this
  terminal's own hash of the record the platform confirmed last. Signed with the terminal's
  Ed25519 key (app/storage/integrity.py). The platform accepts it only if it extends the last
  one it holds — the anchor equals the hash it confirmed and the seq is not smaller — and
  answers a receipt it countersigns with its own key (pinned here at enrolment).
- Receipts (and refusals) are rows of `audit_checkpoints`; storing one writes no audit
  record, so right after a sync the receipt covers the very last record.
- verify_audit checks the chain (links, hashes, MACs), the chain against the latest receipt
  (truncation, rewrite), and the case and party rows against their last audited state.

The signed texts below are the contract's (sync/contract/audit.py); tests/test_contract_agreement.py
holds the two equal (app/ may not import the contract).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.actor import SYSTEM, Actor
from app.context import AppContext
from app.permissions import Perm
from app.rules.problems import Problem, RuleError
from app.storage.audit import ChainRow, verify_chain
from app.storage.integrity import BASELINE, ROW_TABLES, current_hashes, public_key_valid, stored_keys
from app.storage.integrity_models import AuditCheckpoint
from app.storage.models import AuditRecord, Case
from app.storage.sync_models import PlatformRegistration

CONFIRMED, REJECTED = "confirmed", "rejected"


def checkpoint_text(terminal_id: str, seq: int, head_hash: str, anchor_seq: int, anchor_hash: str, signed_at: str) -> bytes:
    return "\n".join(["clerkdesk-audit-checkpoint/v1", terminal_id, str(seq), head_hash, str(anchor_seq),
                      anchor_hash, signed_at]).encode("utf-8")


def receipt_text(terminal_id: str, seq: int, head_hash: str, confirmed_at: str) -> bytes:
    return "\n".join(["clerkdesk-audit-receipt/v1", terminal_id, str(seq), head_hash, confirmed_at]).encode("utf-8")


# --- the key ---------------------------------------------------------------------------------


def terminal_public_key(ctx: AppContext) -> str:
    """This terminal's public key (hex), making the key pair first if it has none yet (a fresh
    data directory about to enrol)."""
    with ctx.read() as s:
        keys = stored_keys(s)
    if keys is None:
        with ctx.unit_of_work(SYSTEM) as uow:
            keys = uow.keys()
    return keys.public_key_hex


def key_registration_needed(ctx: AppContext, platform_url: str) -> bool:
    """An enrolled terminal from before 0010 (or a platform that did not take the key at
    registration) registers its public key at the next sync."""
    with ctx.read() as s:
        row = _registration(s, platform_url)
        return row is not None and (row.key_registered_at is None or not row.platform_key)


def pin_platform_key(ctx: AppContext, actor: Actor, platform_url: str, platform_key: str) -> None:
    """The platform accepted this terminal's public key and told its own: pin it. A different
    key from the one pinned is refused — receipts signed with it would prove nothing."""
    actor.require(Perm.SYNC_CONFIGURE)
    with ctx.unit_of_work(actor) as uow:
        row = _registration(uow.session, platform_url)
        if row is None:
            return
        if row.platform_key and row.platform_key != platform_key:
            raise RuleError(Problem("PLATFORM_KEY_CHANGED",
                                    f"平台 {row.platform_url} 的签名密钥与本机登记的不一致，不能接受它的审计回执。"
                                    "请联系县信息中心核实平台地址。"))
        row.platform_key, row.key_registered_at = platform_key, uow.now
        uow.audit("terminal.key_register", "platform", row.platform_url,
                  {"public_key": uow.keys().public_key_hex, "platform_key": platform_key})


def _registration(s, platform_url: str) -> PlatformRegistration | None:  # noqa: ANN001
    return s.scalars(select(PlatformRegistration)
                     .where(PlatformRegistration.platform_url == platform_url.rstrip("/"))).first()


# --- checkpoints and receipts --------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointDraft:
    terminal_id: str
    seq: int
    head_hash: str
    anchor_seq: int
    anchor_hash: str
    signed_at: str
    signature: str


@dataclass(frozen=True)
class Receipt:
    platform_url: str
    terminal_id: str
    seq: int
    head_hash: str
    confirmed_at: str
    platform_signature: str


def draft_checkpoint(ctx: AppContext, platform_url: str, anchor_seq: int | None = None) -> CheckpointDraft | None:
    """The signed checkpoint for the chain as it stands, or None when there is nothing new
    since the last receipt (a sync that changed nothing sends no checkpoint). `anchor_seq`:
    the seq the platform last confirmed, when it told us (our receipt of it was lost)."""
    reg = _reg_view(ctx, platform_url)
    with ctx.read() as s:
        head = s.execute(select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)).first()
        keys = stored_keys(s)
        if head is None or keys is None or reg is None:
            return None
        last = _latest_receipt(s, reg.platform_url)
        if anchor_seq is None:
            if last is not None and last.seq == head.seq and last.head_hash == head.hash:
                return None
            anchor_seq = last.seq if last is not None else 0
        anchor_hash = s.scalar(select(AuditRecord.hash).where(AuditRecord.seq == anchor_seq)) or "" if anchor_seq else ""
    signed_at = ctx.now().isoformat() + "+08:00"  # the contract's timestamp text (naive China time)
    message = checkpoint_text(reg.terminal_id, head.seq, head.hash, anchor_seq, anchor_hash, signed_at)
    return CheckpointDraft(reg.terminal_id, head.seq, head.hash, anchor_seq, anchor_hash, signed_at, keys.sign(message))


def record_receipt(ctx: AppContext, platform_url: str, receipt: Receipt, signed_at: str = "") -> Receipt:
    """Keep a receipt after checking the platform's countersignature with the pinned key."""
    reg = _reg_view(ctx, platform_url)
    if reg is None or not reg.platform_key:
        raise RuleError(Problem("PLATFORM_KEY_MISSING", "本机没有登记平台的签名密钥，无法核对审计回执。"))
    message = receipt_text(receipt.terminal_id, receipt.seq, receipt.head_hash, receipt.confirmed_at)
    if receipt.terminal_id != reg.terminal_id or not public_key_valid(reg.platform_key, message, receipt.platform_signature):
        raise RuleError(Problem("AUDIT_RECEIPT_INVALID", "平台返回的审计回执签名不正确，未保存。请联系县信息中心。"))
    with ctx.unit_of_work(SYSTEM) as uow:  # no audit record: the receipt must cover the last one
        uow.session.add(AuditCheckpoint(
            platform_url=reg.platform_url, terminal_id=receipt.terminal_id, seq=receipt.seq, head_hash=receipt.head_hash,
            signed_at=signed_at, outcome=CONFIRMED, confirmed_at=receipt.confirmed_at,
            platform_signature=receipt.platform_signature, stored_at=uow.now))
    return receipt


def record_rejection(ctx: AppContext, platform_url: str, draft: CheckpointDraft, code: str, message: str) -> Problem:
    """The platform refused the checkpoint (the chain does not extend what it confirmed): kept,
    and said to whoever looks at the sync status."""
    with ctx.unit_of_work(SYSTEM) as uow:
        uow.session.add(AuditCheckpoint(
            platform_url=platform_url.rstrip("/"), terminal_id=draft.terminal_id, seq=draft.seq, head_hash=draft.head_hash,
            signed_at=draft.signed_at, outcome=REJECTED, code=code, message=message, stored_at=uow.now))
        uow.audit("audit.checkpoint_rejected", "audit", str(draft.seq), {"code": code})
    return checkpoint_problem(code, message)


def checkpoint_problem(code: str, message: str) -> Problem:
    return Problem(code, f"审计记录核对未通过：{message}本机审计记录可能被删改，请立即报告县信息中心（本次同步的其他内容不受影响）。")


def latest_receipt(ctx: AppContext, platform_url: str | None = None) -> Receipt | None:
    with ctx.read() as s:
        return _latest_receipt(s, platform_url)


def _latest_receipt(s, platform_url: str | None) -> Receipt | None:  # noqa: ANN001
    q = select(AuditCheckpoint).where(AuditCheckpoint.outcome == CONFIRMED)
    if platform_url:
        q = q.where(AuditCheckpoint.platform_url == platform_url.rstrip("/"))
    row = s.scalars(q.order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Receipt(row.platform_url, row.terminal_id, row.seq, row.head_hash, row.confirmed_at, row.platform_signature)


@dataclass(frozen=True)
class _Reg:
    platform_url: str
    terminal_id: str
    platform_key: str


def _reg_view(ctx: AppContext, platform_url: str) -> _Reg | None:
    with ctx.read() as s:
        row = _registration(s, platform_url)
        return _Reg(row.platform_url, row.terminal_id, row.platform_key) if row else None


# --- verify-audit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass
class AuditReport:
    records: int = 0
    last_seq: int = 0
    receipt: Receipt | None = None
    rows_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


ROW_LABELS = {"cases": "办件", "parties": "当事人"}
SHOW_ROWS = 10


def verify_audit(ctx: AppContext, actor: Actor = SYSTEM) -> AuditReport:
    """Everything verify-audit checks, in the order an auditor reads it."""
    actor.require(Perm.AUDIT_VERIFY)
    report = AuditReport()
    states: dict[str, dict[str, str]] = {name: {} for name in ROW_TABLES}
    with ctx.read() as s:
        verdict = verify_chain(s, on_record=_state_collector(states))
        report.records = verdict.records
        report.last_seq = s.scalar(select(func.max(AuditRecord.seq))) or 0
        if verdict.code == "AUDIT_RECORD_FORGED":
            report.findings.append(Finding(verdict.code, f"发现伪造的审计记录：{verdict.reason}。"))
        elif not verdict.intact:
            report.findings.append(Finding(verdict.code, f"审计链断裂：第一个断点在记录 {verdict.first_broken_seq}。{verdict.reason}"))
        _check_receipt(s, report)
        if stored_keys(s) is None:
            report.notes.append("本终端尚未生成签名密钥（升级后还未办理过业务）：未核对办件和当事人数据。")
        elif verdict.intact and report.ok:
            _check_rows(s, states, report)
        else:
            report.notes.append("审计记录已不可信，未再核对办件和当事人数据与审计记录是否一致。")
    return report


def _state_collector(states: dict[str, dict[str, str]]) -> Callable[[ChainRow], None]:
    import json

    def collect(r: ChainRow) -> None:
        if r.state:
            reset = r.action == BASELINE and json.loads(r.detail).get("reset")
            for name, rows in json.loads(r.state).items():
                if name in states:
                    if reset:
                        states[name].clear()
                    states[name].update(rows)
    return collect


def _check_receipt(s, report: AuditReport) -> None:  # noqa: ANN001
    receipt = _latest_receipt(s, None)
    report.receipt = receipt
    if receipt is None:
        report.notes.append("本机还没有平台的审计回执（从未同步过审计检查点）：只检查了本机记录前后是否一致，"
                            "无法发现末尾记录被删除或整条链被重新计算。")
        return
    reg = _registration(s, receipt.platform_url)
    message = receipt_text(receipt.terminal_id, receipt.seq, receipt.head_hash, receipt.confirmed_at)
    if reg is None or not reg.platform_key or not public_key_valid(reg.platform_key, message, receipt.platform_signature):
        report.findings.append(Finding("AUDIT_RECEIPT_INVALID",
                                       f"平台回执（第 {receipt.seq} 条）的签名与本机登记的平台密钥不符：回执被改动或伪造。"))
        return
    when = receipt.confirmed_at[:19].replace("T", " ")
    have = s.scalar(select(AuditRecord.hash).where(AuditRecord.seq == receipt.seq))
    count = s.scalar(select(func.count()).select_from(AuditRecord)) or 0
    if report.last_seq < receipt.seq:
        if count == 0:
            text = f"审计记录被全部删除：平台于 {when} 确认本机已有 {receipt.seq} 条记录，现在一条也没有。"
        else:
            text = (f"审计记录被截断：平台于 {when} 确认本机记录到第 {receipt.seq} 条，现在最后一条是第 {report.last_seq} 条"
                    f"（少了 {receipt.seq - report.last_seq} 条以上）。")
        report.findings.append(Finding("AUDIT_TRUNCATED", text))
    elif have != receipt.head_hash:
        report.findings.append(Finding("AUDIT_REWRITTEN",
                                       f"审计记录被改写：第 {receipt.seq} 条与平台于 {when} 确认的不同"
                                       "（之前的记录被改动或删除后重新计算了哈希）。"))
    else:
        later = report.last_seq - receipt.seq
        report.notes.append(f"与平台回执一致：平台于 {when} 确认本机审计记录到第 {receipt.seq} 条"
                            + (f"，其后 {later} 条尚待下次同步时确认。" if later else "，即本机最后一条。"))


def _check_rows(s, states: dict[str, dict[str, str]], report: AuditReport) -> None:  # noqa: ANN001
    numbers = dict(s.execute(select(Case.id, Case.number)).all())
    for name in ROW_TABLES:
        now = current_hashes(s, name)
        report.rows_checked += len(now)
        audited = states[name]
        edited = sorted((k for k in now if k in audited and audited[k] != now[k]), key=int)
        added = sorted((k for k in now if k not in audited), key=int)
        gone = sorted((k for k in audited if audited[k] and k not in now), key=int)
        label = ROW_LABELS[name]

        def show(ids: list[str], label: str = label, name: str = name) -> str:
            names = [f"{label} {numbers.get(int(i), '#' + i)}" if name == "cases" else f"{label} #{i}" for i in ids[:SHOW_ROWS]]
            return "、".join(names) + (f" 等 {len(ids)} 条" if len(ids) > SHOW_ROWS else "")

        if edited:
            report.findings.append(Finding("AUDIT_ROW_EDITED", f"{show(edited)} 的数据与审计记录中最后的状态不符：被绕过本软件直接改动。"))
        if added:
            report.findings.append(Finding("AUDIT_ROW_UNAUDITED", f"{show(added)} 没有任何审计记录：被绕过本软件直接写入。"))
        if gone:
            report.findings.append(Finding("AUDIT_ROW_DELETED", f"{show(gone)} 有审计记录却已不在数据库中：被直接删除。"))
