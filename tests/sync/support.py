"""Helpers for the sync tests: connect a terminal to the sandbox, take cases in, count."""

from __future__ import annotations

from app.actor import SYSTEM
from app.case_states import Action
from app.context import AppContext
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from app.usecases.sync_state import set_sync_setting
from sync.api import PlatformApi
from sync.connection import ensure_registered, open_api
from sync.cycle import SyncReport, run_once
from sync.http import HttpSettings
from tests.helpers import all_provided, find_item, first_required_non_verifiable, missing, person
from tests.sandbox_support import ENROLMENT_CODE

# Quick to give up and quick to retry: the faults are on loopback, the tests should not wait.
FAST = HttpSettings(connect_timeout=2, read_timeout=5, retries=8, backoff_base=0.02, backoff_cap=0.2)


def connect(ctx: AppContext, sandbox) -> None:  # noqa: ANN001
    set_sync_setting(ctx, SYSTEM, "platform_url", sandbox.url)
    ensure_registered(ctx, sandbox.url, ENROLMENT_CODE, FAST)


def api_for(ctx: AppContext, settings: HttpSettings = FAST) -> PlatformApi:
    return open_api(ctx, settings=settings)


def sync(ctx: AppContext, settings: HttpSettings = FAST, batch_size: int | None = None) -> SyncReport:
    api = api_for(ctx, settings)
    try:
        return run_once(ctx, api, batch_size=batch_size)
    finally:
        api.close()


def take_in(ctx: AppContext, actor, n: int, item: str = "个体工商户设立登记", action: Action = Action.ACCEPT) -> list[str]:  # noqa: ANN001
    g = find_item(ctx, item)
    ticks = missing(g, {first_required_non_verifiable(g)}) if action == Action.REQUEST_SUPPLEMENT else all_provided(g)
    return [intake_and_decide(ctx, actor, IntakeInput(g.item_id, person(), ticks), Decision(action)).value.number
            for _ in range(n)]


def local_event_ids(ctx: AppContext) -> set[str]:
    from sqlalchemy import select

    from app.storage.models import OutboxEvent

    with ctx.read() as s:
        return set(s.scalars(select(OutboxEvent.event_id).where(OutboxEvent.case_number != "")))


def platform_event_ids(sandbox) -> list[str]:  # noqa: ANN001
    return [e["event_id"] for e in sandbox.applied_events()]


def assert_every_event_once(ctx: AppContext, sandbox) -> None:  # noqa: ANN001
    on_platform = platform_event_ids(sandbox)
    assert len(on_platform) == len(set(on_platform)), "an event was applied twice"
    assert set(on_platform) == local_event_ids(ctx)
    assert sandbox.stats()["events"]["most_applications_of_one_event"] == 1


def ready_for_pickup(ctx: AppContext, actor, n: int = 1) -> list[str]:  # noqa: ANN001
    """n cases taken in and moved on by the back office's progress to 待领取."""
    from app.usecases.sync_pull import ProgressEntry, apply_progress

    numbers = take_in(ctx, actor, n)
    for i, number in enumerate(numbers):
        apply_progress(ctx, [ProgressEntry(number, "in_progress", progress_id=f"{number}a"),
                             ProgressEntry(number, "concluded_approved", progress_id=f"{number}b"),
                             ProgressEntry(number, "certificate_ready", progress_id=f"{number}c")], f"{number}{i}")
    return numbers
