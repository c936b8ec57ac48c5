"""Which mode this terminal runs in and who it is (`clerkdesk-admin terminal`, the start-up
path): production (enrolled with a platform), demo, training, or not enrolled yet."""

from __future__ import annotations

from dataclasses import dataclass

from app.context import AppContext
from app.usecases.numbers import remaining_numbers

PRODUCTION, DEMO, TRAINING, UNENROLLED = "production", "demo", "training", "unenrolled"
MODE_LABELS = {PRODUCTION: "正式", DEMO: "演示", TRAINING: "培训", UNENROLLED: "未注册"}


def terminal_mode(ctx: AppContext) -> str:
    s = ctx.settings
    if s.get("training") == "1":
        return TRAINING
    if s.get("demo") == "1":
        return DEMO
    if s.get("enrolled_at"):
        return PRODUCTION
    return UNENROLLED


@dataclass(frozen=True)
class TerminalIdentity:
    mode: str
    terminal_id: str
    hall: str
    window: str
    desk: str
    area_code: str
    document_code: str
    numbers_left: int
    platform_url: str
    enrolled_at: str

    @property
    def enrolled(self) -> bool:
        return self.mode != UNENROLLED


def terminal_identity(ctx: AppContext) -> TerminalIdentity:
    s = ctx.settings
    mode = terminal_mode(ctx)
    left = remaining_numbers(ctx) if s.get("area_code") else 0
    return TerminalIdentity(mode, s.get("terminal_id"), s.get("hall_name"), s.get("window_name"), s.get("desk"),
                            s.get("area_code"), s.get("document_code"), left, s.get("platform_url"),
                            s.get("enrolled_at"))
