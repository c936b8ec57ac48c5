"""Pullers: what the platform sends down — catalog changes (cursor), holiday calendars
(years around today), number blocks (leased at the low mark) and case progress (cursor).
Each page is applied in one transaction with its cursor (app/usecases/sync_pull.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.changes import Changes
from app.context import AppContext
from app.usecases.sync_pull import (
    CATALOG_CURSOR,
    PROGRESS_CURSOR,
    apply_catalog_changes,
    apply_platform_calendar,
    apply_progress,
    calendar_years_wanted,
    lease_request_id,
    store_leased_block,
    years_needing_numbers,
)
from app.usecases.sync_state import read_cursor
from sync.api import PlatformApi

MAX_PAGES = 1000  # a platform that never says "no more" must not keep the sync thread forever


@dataclass
class PullSummary:
    catalog_items: int = 0
    catalog_refused: list[str] = field(default_factory=list)
    calendars: list[int] = field(default_factory=list)
    blocks: list[tuple[int, int, int]] = field(default_factory=list)  # year, first, last
    progress_moved: int = 0
    progress_refused: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def pull_catalog(ctx: AppContext, api: PlatformApi, out: PullSummary) -> None:
    cursor = read_cursor(ctx, CATALOG_CURSOR)
    for _ in range(MAX_PAGES):
        page = api.catalog_changes(cursor)
        result = apply_catalog_changes(ctx, page.items, page.next_cursor, page.revision)
        out.catalog_items += result.value.added + result.value.updated + result.value.status_changed
        out.catalog_refused += list(result.value.refused)
        out.changes = out.changes | result.changes
        if not page.more or page.next_cursor == cursor:
            return
        cursor = page.next_cursor


def pull_calendars(ctx: AppContext, api: PlatformApi, out: PullSummary) -> None:
    for year in calendar_years_wanted(ctx):
        data = api.calendar(year)
        if data is None:  # the platform has no official calendar for that year yet
            continue
        result = apply_platform_calendar(ctx, data)
        if result.value:
            out.calendars.append(year)
            out.changes = out.changes | result.changes


def lease_numbers(ctx: AppContext, api: PlatformApi, out: PullSummary) -> None:
    size = ctx.settings.int("number_block_size")
    for year in years_needing_numbers(ctx):
        block = api.lease_block(year, size, lease_request_id(ctx, year))
        stored = store_leased_block(ctx, block)
        if stored.value:
            out.blocks.append((block.year, block.first, block.last))
            out.changes = out.changes | stored.changes


def pull_progress(ctx: AppContext, api: PlatformApi, out: PullSummary) -> None:
    cursor = read_cursor(ctx, PROGRESS_CURSOR)
    for _ in range(MAX_PAGES):
        page = api.progress(cursor)
        result = apply_progress(ctx, page.entries, page.next_cursor)
        out.progress_moved += result.value.moved
        out.progress_refused += list(result.value.refused)
        out.changes = out.changes | result.changes
        if not page.more or page.next_cursor == cursor:
            return
        cursor = page.next_cursor


PULLERS = (pull_catalog, pull_calendars, lease_numbers, pull_progress)
