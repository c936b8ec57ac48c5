"""A terminal upgraded to the documents schema keeps its cases and can issue documents for
them at once; a case decided before the upgrade simply has no stored notice."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.bootstrap import start_terminal
from app.config import Paths
from app.storage.migrate import current_revision, head_revision, upgrade
from tests.helpers import terminal_engine
from tests.sync.support import take_in


def test_upgrade_from_0004_keeps_cases_and_documents_work(tmp_path: Path, clock) -> None:
    data = tmp_path / "terminal"
    data.mkdir()
    engine = terminal_engine(data / "clerkdesk.db")
    upgrade(engine, "0004")
    engine.dispose()
    with terminal_engine(data / "clerkdesk.db").connect() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert "documents" not in tables
    ctx = start_terminal(Paths(data), clock=clock)  # upgrades (after a backup) and seeds the demo
    try:
        assert current_revision(ctx.engine) == head_revision(ctx.engine) and ctx.backup_made is not None
        from app.usecases.auth import login
        from app.usecases.documents import documents_for_case

        [number] = take_in(ctx, login(ctx, "clerk01", "demo1234"), 1)
        assert [d.title for d in documents_for_case(ctx, number)] == ["受理通知书", "材料接收凭证"]
    finally:
        ctx.close()
