"""One sync cycle: check the platform is there, push the outbox, then pull. Used by the
scheduler's thread and by `clerkdesk-admin sync --once`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.changes import Changes
from app.context import AppContext
from app.rules.problems import Problem, RuleError
from app.usecases.audit_integrity import Receipt
from app.usecases.sync_state import PushSummary
from sync.api import PlatformApi
from sync.checkpoint import send_checkpoint
from sync.http import PlatformError, PlatformMaintenance, PlatformUnreachable
from sync.pullers import PULLERS, PullSummary
from sync.pusher import push_pending
from sync.uploader import UploadSummary, upload_pending


@dataclass
class SyncReport:
    started_at: datetime
    finished_at: datetime | None = None
    reachable: bool = False
    pushed: PushSummary = field(default_factory=PushSummary)
    pulled: PullSummary = field(default_factory=PullSummary)
    uploaded: UploadSummary = field(default_factory=UploadSummary)
    errors: list[Problem] = field(default_factory=list)  # what went wrong, step by step
    receipt: Receipt | None = None  # the platform's receipt for this cycle's audit checkpoint

    @property
    def ok(self) -> bool:
        return self.reachable and not self.errors

    @property
    def changes(self) -> Changes:
        return self.pulled.changes | Changes(outbox=bool(self.pushed.applied or self.pushed.duplicate
                                                          or self.pushed.rejected))


def run_once(ctx: AppContext, api: PlatformApi, on_batch: Callable[[PushSummary], None] | None = None,
             batch_size: int | None = None, on_upload: Callable[[UploadSummary], None] | None = None) -> SyncReport:
    """Push first (the platform must know a case before it reports progress on it or takes
    its scanned pages), then upload the pages, then pull. When the platform cannot be reached nothing is written locally at all; another
    error stops only its own step."""
    report = SyncReport(started_at=ctx.now())
    try:
        api.health()
    except PlatformError as err:
        report.errors.append(err.as_problem())
        report.finished_at = ctx.now()
        return report
    report.reachable = True
    steps = [lambda: _push(ctx, api, report, on_batch, batch_size),
             lambda: _upload(ctx, api, report, on_upload)] + [
        (lambda p=p: p(ctx, api, report.pulled)) for p in PULLERS] + [lambda: _checkpoint(ctx, api, report)]
    for step in steps:
        try:
            step()
        except (PlatformUnreachable, PlatformMaintenance) as err:
            report.errors.append(err.as_problem())
            break  # the link went away mid-cycle: the rest waits for the next one
        except PlatformError as err:
            report.errors.append(err.as_problem())
    report.finished_at = ctx.now()
    return report


def _push(ctx: AppContext, api: PlatformApi, report: SyncReport, on_batch: Callable[[PushSummary], None] | None,
          batch_size: int | None) -> None:
    def seen(total: PushSummary) -> None:
        report.pushed = total
        if on_batch is not None:
            on_batch(total)

    report.pushed = push_pending(ctx, api, batch_size, on_batch=seen)


def _upload(ctx: AppContext, api: PlatformApi, report: SyncReport,
            on_upload: Callable[[UploadSummary], None] | None) -> None:
    def seen(total: UploadSummary) -> None:
        report.uploaded = total
        if on_upload is not None:
            on_upload(total)

    report.uploaded = upload_pending(ctx, api, on_page=seen)


def _checkpoint(ctx: AppContext, api: PlatformApi, report: SyncReport) -> None:
    """Last, so the receipt covers every audit record this cycle wrote; one per cycle."""
    try:
        report.receipt, problem = send_checkpoint(ctx, api)
    except RuleError as err:  # a receipt that does not verify, a platform key that changed
        problem = err.as_problem()
    if problem is not None:
        report.errors.insert(0, problem)  # first: the status bar shows the first problem, and this one matters most


def summary_lines(report: SyncReport) -> list[str]:
    """The report in Chinese, for the admin command and the log."""
    if not report.reachable:
        return [f"同步失败 [{p.code}]：{p.message}" for p in report.errors]
    p, q = report.pushed, report.pulled
    lines = [
        f"上报事件：平台已接收 {p.applied}，重复（已接收过）{p.duplicate}，被退回待处理 {p.rejected}，"
        f"排在退回事件之后等待 {p.held}，未获答复 {p.unanswered}",
        f"事项目录：更新 {q.catalog_items} 项" + (f"，格式有误未导入 {len(q.catalog_refused)} 项" if q.catalog_refused else ""),
        "节假日安排：" + ("更新 " + "、".join(f"{y}年" for y in q.calendars) if q.calendars else "无变化"),
        "办件编号：" + ("领取号段 " + "，".join(f"{y}年 {a}–{b}" for y, a, b in q.blocks) if q.blocks else "号段充足"),
        f"办件进度：更新 {q.progress_moved} 件" + (f"，无法套用 {len(q.progress_refused)} 条" if q.progress_refused else ""),
        _upload_line(report.uploaded),
    ]
    if report.receipt is not None:
        lines.append(f"审计检查点：平台已确认本机审计记录到第 {report.receipt.seq} 条")
    lines += [f"出错 [{e.code}]：{e.message}" for e in report.errors]
    return lines


def _upload_line(u: UploadSummary) -> str:
    line = f"扫描件：平台已确认 {u.pages} 页（其中平台原已有 {u.already_there} 页），上传 {u.chunks} 块 {u.bytes / 1024:.0f} KB"
    return line + (f"，被平台拒收 {u.refused} 页（下次同步再试）" if u.refused else "")
