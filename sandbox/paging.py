"""Cursors and page sizes of the paged GETs (catalog changes, progress)."""

from __future__ import annotations

from sandbox.errors import PlatformProblem
from sync.contract import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ErrorCode


def parse_cursor(cursor: str) -> int:
    """The sandbox's cursors are the last sequence number seen; "" is the beginning."""
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise PlatformProblem(422, ErrorCode.BAD_REQUEST, f"游标“{cursor[:40]}”无效，请从头同步（since 留空）。")
    return int(cursor)


def page_size(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_PAGE_SIZE
    if limit < 1:
        raise PlatformProblem(422, ErrorCode.BAD_REQUEST, "每页条数 limit 应为正整数。")
    return min(limit, MAX_PAGE_SIZE)
