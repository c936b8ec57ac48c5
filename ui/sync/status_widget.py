"""The platform link in the status bar: one coloured light and a few words, the queue, the
items waiting for a person, and 立即同步. The clerk should never need more than a glance."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from sync.checkpoint import REFUSALS as AUDIT_REFUSALS
from sync.scheduler import SyncStatus
from ui.widgets import named

LIGHT_COLOURS = {"grey": "#7a7a7a", "red": "#c62828", "yellow": "#b58100", "green": "#1f7a3a"}


def _clock(at: datetime, now: datetime) -> str:
    return f"{at:%H:%M}" if at.date() == now.date() else f"{at:%m-%d %H:%M}"


def status_text(s: SyncStatus, now: datetime) -> str:
    """The words beside the light, short enough for a crowded status bar (pure: tested
    without a window); the details are in the tooltip."""
    if not s.configured:
        return "离线工作（未设平台）"
    if s.online is None:
        return "正在连接平台…"
    if s.syncing:
        # A cycle against a platform that cannot be reached still takes seconds (its check
        # waits out a timeout or a few retries): while offline, say it is a retry, not a sync.
        return "离线 · 正在重试连接…" if s.online is False else "正在同步…"
    if s.online is False:
        return "离线 · 联网后自动上传"
    if s.last_error is not None and s.last_error.code in AUDIT_REFUSALS:
        return "审计告警"  # the platform says the audit log was cut or rewritten (short: a crowded bar)
    when = f"{_clock(s.last_sync_at, now)} 已同步" if s.last_sync_at else "尚未同步"
    return f"在线 · {when}" + ("，部分未完成" if s.last_error is not None else "")


def queue_text(s: SyncStatus) -> str:
    """'待上传 3' — and the scanned pages waiting, only when there are some (a crowded bar)."""
    return f"待上传 {s.queued}" + (f"·附件 {s.attachments}" if s.attachments else "")


def status_tooltip(s: SyncStatus, now: datetime) -> str:
    lines = [f"上次成功同步：{_clock(s.last_sync_at, now)}" if s.last_sync_at else "尚未与平台同步过"]
    if s.last_error is not None:
        lines.append(f"{s.last_error.message}（{s.last_error.code}）")
    r = s.last_report
    if r is not None and r.reachable:
        lines.append(f"上次上传：成功 {r.pushed.applied} 条，重复 {r.pushed.duplicate} 条，被退回 {r.pushed.rejected} 条；"
                     f"目录更新 {r.pulled.catalog_items} 项，办件进度 {r.pulled.progress_moved} 件")
        lines.append(f"上次扫描件上传：平台确认 {r.uploaded.pages} 页，发送 {r.uploaded.bytes / 1024:.0f} KB"
                     + (f"，被拒收 {r.uploaded.refused} 页" if r.uploaded.refused else ""))
    if s.attachments:
        lines.append(f"待上传扫描件 {s.attachments} 页（办件事件上报后自动上传）")
    if not s.configured:
        lines.append("所有收件、决定和打印都保存在本机；设置平台地址后自动上传。")
    return "\n".join(lines)


class SyncStatusWidget(QWidget):
    sync_requested = Signal()
    attention_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.light = named(QLabel("●"), "status_light", "平台连接指示灯")
        self.text = named(QLabel(""), "status_network", "网络状态")
        self.queue = named(QLabel(""), "status_queue", "待上传事件数")
        self.attention = named(QPushButton(""), "status_attention", "需人工处理的退回事件")
        self.attention.setFlat(True)
        self.attention.setStyleSheet("color:#a12a2a;font-weight:bold;padding:0 8px;min-height:0;")
        self.attention.clicked.connect(self.attention_requested)
        self.sync_button = named(QPushButton("同步 F12"), "sync_now_button", "立即同步")
        self.sync_button.setStyleSheet("padding:2px 10px;min-height:0;")
        self.sync_button.clicked.connect(self.sync_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for w in (self.light, self.text, self.queue, self.attention, self.sync_button):
            layout.addWidget(w)

    def show_status(self, s: SyncStatus, now: datetime) -> None:
        self.light.setStyleSheet(f"color:{LIGHT_COLOURS[s.light]};font-size:15pt;padding:0 2px;")
        self.light.setProperty("light", s.light)
        self.text.setText(status_text(s, now))
        self.setToolTip(status_tooltip(s, now))
        self.queue.setText(queue_text(s))
        self.attention.setText(f"需处理 {s.attention}")
        self.attention.setVisible(s.attention > 0)
        self.sync_button.setEnabled(s.configured and not s.syncing)
