"""Errors by kind, as the clerk reads them: a rule at the field, the local store (disk full,
busy, failed upgrade), the platform link — each with a code, in Chinese, never a class name or
SQL; and nothing half-saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from app.case_states import Action
from app.errors import ClerkDeskError, StorageError
from app.rules.problems import RuleError
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from app.usecases.queries import CaseFilter, list_cases
from sync.http import PlatformUnreachable
from tests.helpers import all_provided, find_item, missing, person, raw_db
from ui.operations import error_code, error_text


def _intake(ctx, clerk, decision=Decision(Action.ACCEPT), ticks=None):  # noqa: ANN001, B008
    g = find_item(ctx, "个体工商户设立登记")
    return intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), ticks or all_provided(g)), decision)


def test_a_refused_decision_at_intake_saves_nothing_at_all(ctx, clerk) -> None:
    """Receive and decide are one transaction: no 'received' case left behind, no number used."""
    g = find_item(ctx, "个体工商户设立登记")
    gap = missing(g, {next(m.name for m in g.materials if m.required and not m.platform_verifiable)})
    with pytest.raises(RuleError) as err:
        _intake(ctx, clerk, Decision(Action.ACCEPT), gap)
    assert err.value.code == "ACCEPT_MATERIALS_MISSING"
    assert list_cases(ctx, clerk, CaseFilter.TODAY) == []


def test_disk_full_is_told_with_the_disk_and_nothing_is_half_saved(ctx, clerk) -> None:
    # SQLite's own "database or disk is full", made real by capping the file's pages.
    @event.listens_for(ctx.engine, "begin")
    def _cap(conn) -> None:  # noqa: ANN001
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")

    with pytest.raises(StorageError) as err:
        for _ in range(50):  # the first cases may fit in free pages; soon one does not
            _intake(ctx, clerk)
    event.remove(ctx.engine, "begin", _cap)
    ctx.engine.dispose()  # the cap lives on the pooled connections: new ones have room again
    e = err.value
    assert e.code == "STORAGE_DISK_FULL"
    assert "磁盘空间不足" in e.message and "MB" in e.message and "未保存" in e.message
    assert "OperationalError" not in error_text(e) and "SQL" not in error_text(e)
    assert error_code(e) == "STORAGE_DISK_FULL"
    saved = list_cases(ctx, clerk, CaseFilter.TODAY)
    _intake(ctx, clerk)  # once there is room again, work goes on; the refused one left no trace
    assert len(list_cases(ctx, clerk, CaseFilter.TODAY)) == len(saved) + 1


def test_a_database_held_by_another_program_is_named_not_a_raw_lock_error(ctx, clerk) -> None:
    other = raw_db(ctx.paths.database)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(StorageError) as err:
            _intake(ctx, clerk)
    finally:
        other.rollback()
        other.close()
    assert err.value.code == "STORAGE_BUSY" and "另一个程序正在使用数据库" in err.value.message
    assert list_cases(ctx, clerk, CaseFilter.TODAY) == []


def test_a_failed_upgrade_names_the_backup_and_who_to_call(tmp_path: Path) -> None:
    from app.config import Paths
    from app.context import open_context
    from app.storage.migrate import head_revision

    data = tmp_path / "t"
    ctx = open_context(Paths(data))
    head = head_revision(ctx.engine)
    ctx.close()
    db = raw_db(data / "clerkdesk.db")
    # Pretend 0005 is still to come: it then creates tables that are already there, and fails.
    db.execute("UPDATE alembic_version SET version_num = '0004'")
    db.commit()
    db.close()
    with pytest.raises(StorageError) as err:
        open_context(Paths(data))
    assert err.value.code == "STORAGE_MIGRATION_FAILED"
    assert "备份" in err.value.message and "信息科" in err.value.message
    backups = list((data / "backups").glob("clerkdesk-before-0004-*.db"))
    assert backups and str(backups[0]) in err.value.message
    assert head != "0004"


def test_platform_errors_are_their_own_kind_not_rule_problems() -> None:
    err = PlatformUnreachable("无法连接政务服务平台（连接被拒绝）。")
    assert isinstance(err, ClerkDeskError) and not isinstance(err, RuleError)
    assert error_code(err) == "PLATFORM_UNREACHABLE" and error_text(err).startswith("无法连接政务服务平台")


def test_an_unexpected_error_shows_a_calm_sentence_and_no_class_name() -> None:
    text = error_text(KeyError("cases.number"))
    assert "KeyError" not in text and "cases" not in text and "INTERNAL" in text
