"""Catalog changes (paging by cursor, status changes) and calendars, over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

from app.catalog_format import parse_item
from app.rules.workdays import parse_calendar_file
from sync.contract import PATH_CATALOG_CHANGES, CatalogChangesPage, calendar_path
from tests.sandbox.conftest import ITEM

DEMO = json.loads((Path(__file__).resolve().parents[2] / "resources/catalog/demo_catalog.json").read_text("utf-8"))


def pull_all(terminal, since: str = "", limit: int = 10) -> tuple[list, str, int]:
    changes, pages = [], 0
    while True:
        page = CatalogChangesPage.model_validate(terminal.get(PATH_CATALOG_CHANGES, since=since, limit=limit).json())
        changes += page.changes
        pages += 1
        since = page.next_cursor
        if not page.has_more:
            return changes, since, pages


def test_catalog_pages_through_every_demo_item_once(terminal):
    changes, cursor, pages = pull_all(terminal, limit=10)
    assert pages == -(-len(DEMO["items"]) // 10)
    codes = [c.item["implementation_code"] for c in changes]
    assert sorted(codes) == sorted(i["implementation_code"] for i in DEMO["items"])
    assert all(c.kind == "upsert" for c in changes)
    # The terminal's own parser takes every item as sent.
    assert all(parse_item(c.item, i)[0] is not None for i, c in enumerate(changes))
    again, same_cursor, _ = pull_all(terminal, since=cursor)
    assert again == [] and same_cursor == cursor


def test_revision_is_the_catalog_files(terminal):
    page = terminal.get(PATH_CATALOG_CHANGES, limit=1).json()
    assert page["revision"] == DEMO["revision"]


def test_suspension_appears_as_a_status_change_after_the_cursor(terminal, sandbox):
    _, cursor, _ = pull_all(terminal, limit=500)
    sandbox.suspend_item(ITEM, reason="系统升级", since="2026-11-21")
    page = terminal.get(PATH_CATALOG_CHANGES, since=cursor).json()
    assert len(page["changes"]) == 1
    change = page["changes"][0]
    assert change["kind"] == "status" and change["implementation_code"] == ITEM
    assert (change["status"], change["reason"], change["since"]) == ("suspended", "系统升级", "2026-11-21")
    record, problems = parse_item(change["item"], 0)
    assert problems == [] and record.status == "suspended" and str(record.status_since) == "2026-11-21"
    sandbox.resume_item(ITEM)
    resumed = terminal.get(PATH_CATALOG_CHANGES, since=page["next_cursor"]).json()["changes"]
    assert [(c["kind"], c["status"]) for c in resumed] == [("status", "active")]


def test_suspending_an_unknown_item_is_404(sandbox):
    r = sandbox.http.post(sandbox.url + "/sandbox/items/NOPE/status", json={"status": "suspended"}, timeout=5)
    assert r.status_code == 404 and r.json()["code"] == "ITEM_UNKNOWN"


def test_a_cursor_that_is_not_ours_is_refused(terminal):
    r = terminal.get(PATH_CATALOG_CHANGES, since="abc")
    assert r.status_code == 422 and r.json()["code"] == "BAD_REQUEST"


def test_calendar_is_the_file_format_the_app_parses(terminal):
    r = terminal.get(calendar_path(2026))
    assert r.status_code == 200
    cal = parse_calendar_file(r.json())
    assert cal.year == 2026
    assert str(min(cal.holidays)) == "2026-01-01"  # 元旦
    assert all(d.weekday() >= 5 for d in cal.workdays)  # 调休上班 days are weekend days


def test_unknown_year_is_404(terminal):
    r = terminal.get(calendar_path(2099))
    assert r.status_code == 404 and r.json()["code"] == "CALENDAR_UNKNOWN" and "2099" in r.json()["message"]


def test_a_generated_large_catalog_can_be_published(sandbox, terminal):
    from benchmarks.make_catalog import make_catalog  # the test may use the generator; the sandbox reads a file

    path = sandbox.data_dir / "big.json"  # the sandbox reads files only from its own data dir
    path.write_text(json.dumps(make_catalog(600)), encoding="utf-8")
    _, cursor, _ = pull_all(terminal, limit=500)
    loaded = sandbox.load_catalog(path)
    changes, _, pages = pull_all(terminal, since=cursor, limit=250)
    assert loaded["changes"] == len(changes) > 0 and pages >= 2
