"""Storage: the database is set up for durability, migrations run from empty and from the
previous revision (with a backup first), and the audit chain reports the first broken link."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.actor import SYSTEM
from app.config import Paths
from app.context import open_context
from app.storage.db import connect_raw, make_engine, pragma
from app.storage.migrate import current_revision, head_revision, upgrade, upgrade_with_backup
from tests.helpers import all_provided, find_item, person


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(ctx) -> None:
    assert str(pragma(ctx.engine, "journal_mode")).lower() == "wal"
    assert pragma(ctx.engine, "synchronous") == 2  # FULL
    assert pragma(ctx.engine, "foreign_keys") == 1


def test_foreign_keys_are_enforced(ctx) -> None:
    from sqlalchemy.exc import IntegrityError

    with ctx.engine.connect() as conn, pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
        conn.execute(text("INSERT INTO materials (item_id, code, position, name, required, form, copies, media, "
                          "tolerable, platform_verifiable, notes, retired) VALUES (999999, 'X', 0, 'x', 1, '原件', 1, "
                          "'纸质', 0, 0, '', 0)"))
        conn.commit()


KEY = bytes(range(32))  # a fixed test key: these tests drive the engine below open_context


def test_empty_database_upgrades_to_head(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "new.db", KEY)
    assert current_revision(engine) is None
    upgrade_with_backup(engine, tmp_path / "new.db", tmp_path / "backups", KEY)
    assert current_revision(engine) == head_revision(engine)
    assert not (tmp_path / "backups").exists()  # nothing to back up in a new database


def test_previous_revision_with_cases_upgrades_after_backup(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = make_engine(db, KEY)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO clerks (id, username, display_name, role, password_hash, window_no, active, created_at) "
                          "VALUES (1, 'c', '测试', 'clerk', 'x', '1', 1, '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO service_items (id, implementation_code, basic_code, name, item_type, department, "
                          "handling_kind, legal_basis, acceptance_conditions, process, legal_limit_days, committed_limit_days, "
                          "fee_basis, handling_form, visits, result_sample, consultation, status, status_reason, revision, "
                          "special_procedures, search_key, catalog_revision, updated_at) VALUES (1, 'I1', '', '事项', '行政许可', "
                          "'局', '承诺件', '', '', '', 20, 5, '', '', 1, '', '', 'active', '', 1, '[]', '', '', '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO parties (id, kind, name, id_type, id_number, phone, address, legal_rep, created_at) "
                          "VALUES (1, 'person', '张三', '居民身份证', '1', '', '', '', '2026-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO cases (id, number, item_id, applicant_id, authorisation, channel, clerk_id, window_no, terminal_id, "
            "received_at, received_on, round, round_received_on, state, acceptance_basis, reject_ground, reject_reason, "
            "competent_agency, remedy, acceptance_due, committed_due, due_confirmed, updated_at) VALUES "
            "(1, 'N1', 1, 1, '', 'window', 1, '1', 't', '2026-11-02 09:00:00', '2026-11-02', 1, '2026-11-02', 'accepted', "
            "'decision', '', '', '', '', '2026-11-09', '2026-11-09', 1, '2026-11-02 09:00:00'),"
            "(2, 'N2', 1, 1, '', 'window', 1, '1', 't', '2026-11-02 09:00:00', '2026-11-02', 1, '2026-11-02', 'received', "
            "'', '', '', '', '', '2026-11-09', NULL, 1, '2026-11-02 09:00:00')"))
    backup = upgrade_with_backup(engine, db, tmp_path / "backups", KEY)
    assert current_revision(engine) == head_revision(engine)
    assert backup is not None and backup.exists()
    # The backup is the old database, readable with the key, at the old revision, with the cases.
    with connect_raw(backup, KEY) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert old.execute("SELECT count(*) FROM cases").fetchone()[0] == 2
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT number, watch_due FROM cases")).all())
    assert rows == {"N1": "2026-11-09", "N2": "2026-11-09"}


def test_reopening_a_current_database_makes_no_backup(ctx, clock) -> None:
    paths = ctx.paths
    ctx.engine.dispose()
    again = open_context(Paths(paths.data_dir), clock)
    assert again.backup_made is None


def test_audit_chain_detects_the_first_tampered_record(ctx, clerk) -> None:
    from app.case_states import Action
    from app.storage.audit import verify_chain
    from app.usecases.decisions import Decision, intake_and_decide
    from app.usecases.intake import IntakeInput

    g = find_item(ctx, "个体工商户设立登记")
    for _ in range(3):
        intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT))
    with ctx.read() as s:
        intact = verify_chain(s)
    assert intact.intact and intact.records > 6
    with ctx.engine.begin() as conn:
        victim = conn.execute(text("SELECT seq FROM audit_records WHERE action = 'case.accept' ORDER BY seq LIMIT 1")).scalar()
        conn.execute(text("UPDATE audit_records SET detail = replace(detail, 'original', 'copy') WHERE seq = :s"), {"s": victim})
    with ctx.read() as s:
        broken = verify_chain(s)
    assert broken.first_broken_seq == victim
    assert "改动" in broken.reason


def test_deleting_an_audit_record_is_detected(ctx, clerk) -> None:
    from app.storage.audit import verify_chain

    with ctx.engine.begin() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM audit_records ORDER BY seq")).all()]
        conn.execute(text("DELETE FROM audit_records WHERE seq = :s"), {"s": seqs[1]})
    with ctx.read() as s:
        assert verify_chain(s).first_broken_seq == seqs[1]


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    """Models and migrations must agree, or a new install and an upgraded one differ."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.storage.models import Base

    engine = make_engine(tmp_path / "schema.db", KEY)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_case_search_uses_indexes_not_a_scan(ctx, clerk) -> None:
    from sqlalchemy.dialects import sqlite

    from app.usecases.queries import _base, _search_clause

    q = _base().where(_search_clause("620321198506122313")).limit(50)
    sql = str(q.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with ctx.engine.connect() as conn:
        plan = " | ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all())
    assert "SCAN cases" not in plan, plan


def test_todays_cases_and_an_agents_cases_are_read_by_index(ctx, clerk) -> None:
    """"今日收件" is a range of the received-time index and an agent's cases a probe of the
    agent index, which holds only cases that have an agent (migration 0015). The plans are
    those of the statements the case list really runs."""
    from sqlalchemy import event

    from app.usecases.queries import CaseFilter, list_cases

    ran: list[tuple[str, tuple]] = []
    event.listen(ctx.read_engine, "before_cursor_execute",
                 lambda c, cur, sql, params, *_: "FROM cases" in sql and ran.append((sql, params)))
    list_cases(ctx, clerk, CaseFilter.TODAY)
    list_cases(ctx, clerk, CaseFilter.ALL, "620321198506122313")
    (today_sql, today_params), (search_sql, search_params) = ran
    with ctx.engine.connect() as conn:
        def plan(sql: str, params: tuple) -> str:
            return " | ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all())

        assert "SEARCH cases USING INDEX ix_cases_received_at (received_at>? AND received_at<?)" in plan(
            today_sql, today_params)
        assert "ix_cases_agent_id (agent_id=?)" in plan(search_sql, search_params)
        partial = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE name IN "
                                            "('ix_cases_agent_id', 'ix_outbox_events_answered_at')").all())
    assert partial["ix_cases_agent_id"].endswith("WHERE agent_id IS NOT NULL")
    assert partial["ix_outbox_events_answered_at"].endswith("WHERE answered_at IS NOT NULL")


def test_the_pick_up_desks_card_read_uses_indexes_not_a_scan(ctx, clerk) -> None:
    """An ID card read at the pick-up desk lists that person's certificates by index probes —
    the applicant index, not a walk through every waiting case (issue 14, at a million cases)."""
    from sqlalchemy.dialects import sqlite

    from app.usecases.pickup import _by_person

    for text_ in ("620321198506122313", "张桂"):  # a card's number; the start of a name
        sql = str(_by_person(text_).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        with ctx.engine.connect() as conn:
            plan = " | ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all())
        assert "SCAN cases" not in plan and "SCAN parties" not in plan, plan


def test_the_last_platform_answer_is_read_by_index_not_a_scan(ctx, clerk) -> None:
    """The main window asks when the platform last answered as it opens: with 10,000 events
    in the outbox a scan of it was 80–120 ms of a frozen window (issue 15)."""
    from sqlalchemy.dialects import sqlite

    from app.usecases.sync_state import LAST_ANSWER

    sql = str(LAST_ANSWER.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with ctx.engine.connect() as conn:
        plan = " | ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all())
    assert "SEARCH outbox_events USING COVERING INDEX ix_outbox_events_answered_at" in plan, plan


def test_reading_never_waits_for_a_save_in_progress(ctx, clerk) -> None:
    """The screens read while a case is being saved (WAL readers beside the writer)."""
    from sqlalchemy import func, select

    from app.storage.models import ServiceItem

    with ctx.unit_of_work(SYSTEM) as writing:
        writing.session.execute(text("UPDATE settings SET value = value WHERE key = 'county'"))  # holds the write lock
        with ctx.read() as s:
            assert s.scalar(select(func.count()).select_from(ServiceItem)) > 30


def test_the_start_reads_the_same_head_as_alembic_without_importing_it(tmp_path):
    """The start compares revisions without Alembic (a quarter second to import); the head it
    reads from the version files must be Alembic's own, or a new migration would never run."""
    from alembic.script import ScriptDirectory

    from app.storage.migrate import alembic_config

    engine = make_engine(tmp_path / "x.db", b"k" * 32)
    assert head_revision(engine) == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
