"""Against the sandbox: an item suspended on the platform while the station was offline
(rejected events reach "needs attention" without blocking other cases; the item is blocked
for intake after the next pull), number blocks leased at the low mark (next year's too),
case progress to 待领取, and platform calendars."""

from __future__ import annotations

import pytest

from app.actor import SYSTEM
from app.rules.problems import RuleError
from app.usecases.numbers import remaining_numbers
from app.usecases.queries import case_detail
from app.usecases.sync_state import event_statuses, list_attention, resolve_attention, set_sync_setting, sync_overview
from tests.conftest import as_user
from tests.helpers import find_item
from tests.sync.support import assert_every_event_once, connect, sync, take_in

SUSPENDED_ITEM = "个体工商户设立登记"
OTHER_ITEM = "药品零售企业经营许可"


def test_item_suspended_while_offline_needs_attention_and_blocks_only_its_cases(ctx, clerk, sandbox) -> None:
    hit, ok = take_in(ctx, clerk, 1, SUSPENDED_ITEM)[0], take_in(ctx, clerk, 1, OTHER_ITEM)[0]
    code = find_item(ctx, SUSPENDED_ITEM).implementation_code
    sandbox.suspend_item(code, "系统升级，暂停受理", since="2026-11-01")
    connect(ctx, sandbox)
    report = sync(ctx)
    assert report.reachable and report.pushed.rejected == 1 and report.pushed.held == 1

    [item] = list_attention(ctx)
    assert (item.case_number, item.code, item.event_kind, item.held_events) == (hit, "ITEM_SUSPENDED", "case.receive", 1)
    assert "暂停" in item.reason
    assert [s for _, s, _ in event_statuses(ctx, ok)] == ["done", "done"]  # the other case went through
    assert [s for _, s, _ in event_statuses(ctx, hit)] == ["attention", "pending"]
    assert sync_overview(ctx).attention == 1

    # After the pull the item is blocked at this window too.
    guide = find_item(ctx, SUSPENDED_ITEM)
    assert not guide.can_take_in and "暂停" in guide.blocked_message()
    with pytest.raises(RuleError) as refused:
        take_in(ctx, clerk, 1, SUSPENDED_ITEM)
    assert refused.value.code == "ITEM_NOT_ACTIVE"

    # The platform resumes the item (from before the case's day); a supervisor sends it again.
    sandbox.resume_item(code, since="2026-11-10")
    resolve_attention(ctx, as_user(ctx, "super01"), item.item_id, "requeue", "平台已恢复受理")
    assert sync(ctx).ok
    assert [s for _, s, _ in event_statuses(ctx, hit)] == ["done", "done"]
    assert list_attention(ctx) == [] and sync_overview(ctx).queued == 0
    assert_every_event_once(ctx, sandbox)
    assert find_item(ctx, SUSPENDED_ITEM).can_take_in


def test_number_blocks_are_leased_at_the_low_mark_and_numbers_become_official(ctx, clerk, sandbox) -> None:
    set_sync_setting(ctx, SYSTEM, "number_low_mark", "20")
    set_sync_setting(ctx, SYSTEM, "number_block_size", "20")
    connect(ctx, sandbox)
    report = sync(ctx)
    assert report.ok and len(report.pulled.blocks) == 1
    assert remaining_numbers(ctx) == 20  # the demo block is retired: only platform numbers count
    year, first, last = report.pulled.blocks[0]
    number = take_in(ctx, clerk, 1)[0]
    assert int(number[10:-1]) == first  # a platform serial, not the demo range
    again = sync(ctx)
    assert len(again.pulled.blocks) == 1  # 19 left < low mark 20: the next block
    _, first2, _ = again.pulled.blocks[0]
    assert first2 > last and remaining_numbers(ctx) == 39
    assert sync(ctx).pulled.blocks == []  # enough now


def test_next_years_block_arrives_before_new_year(ctx, clerk, sandbox, clock) -> None:
    set_sync_setting(ctx, SYSTEM, "number_block_size", "50")
    connect(ctx, sandbox)
    clock.set(2026, 12, 31, 16, 0)
    report = sync(ctx)
    assert sorted(y for y, _, _ in report.pulled.blocks) == [2026, 2027]
    sandbox.kill()  # offline from here on
    clock.set(2027, 1, 1, 0, 5)  # past midnight at the window
    number = take_in(ctx, clerk, 1)[0]
    assert number.startswith("6203212027")


def test_progress_moves_an_accepted_case_to_awaiting_pickup(ctx, clerk, sandbox) -> None:
    sandbox.configure(denial_share=0, back_office_delay_seconds=0)
    number = take_in(ctx, clerk, 1)[0]
    connect(ctx, sandbox)
    for _ in range(50):  # the back office works on its own clock; each sync pulls what it has done
        sync(ctx)
        if case_detail(ctx, clerk, number).state == "awaiting_pickup":
            break
    assert case_detail(ctx, clerk, number).state == "awaiting_pickup"
    # Progress is not echoed back to the platform as new events.
    assert [k for k, _, _ in event_statuses(ctx, number)] == ["case.receive", "case.accept"]


def test_platform_calendar_overrides_the_default(ctx, sandbox) -> None:
    connect(ctx, sandbox)
    report = sync(ctx)
    assert report.ok and 2026 in report.pulled.calendars
    assert ctx.calendar.official_calendar(2026).source == "platform"
    assert ctx.calendar.official_calendar(2026) == sandbox_calendar(sandbox, 2026)
    assert sync(ctx).pulled.calendars == []  # unchanged: not imported again


def sandbox_calendar(sandbox, year: int):
    """The platform's calendar for `year`, read over HTTP as any client would."""
    import requests

    from app.rules.workdays import parse_calendar_file

    token = sandbox.register_terminal("T-CAL-READER")["token"]
    data = requests.get(f"{sandbox.url}/api/v1/calendars/{year}", headers=sandbox.auth(token), timeout=10).json()
    return parse_calendar_file(data)
