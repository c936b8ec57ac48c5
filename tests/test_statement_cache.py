"""A terminal's connection keeps the save's statements compiled, however many others it ran.

The database driver keeps compiled statements in a cache ordered by use count; when it is
full, a statement seen for the first time is thrown out by the next new one and compiled
again at every run. A terminal meets a hundred different statements early in its day (the
schema upgrade alone runs over a hundred), so with the driver's default the save's statements
were compiled on every save, a quarter more CPU per save on the hall's oldest PC.

SQLite asks the authorizer while it compiles a statement, never while it runs one: a save
whose INSERT into `cases` reaches the authorizer was compiled again.
"""

from __future__ import annotations

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from app.usecases.intake import IntakeInput, receive_case
from tests.helpers import all_provided, find_item, person, resident_id

pytestmark = pytest.mark.timeout(60)


def _watch_compiles(ctx, one_offs: int) -> list[tuple[int, str | None]]:  # noqa: ANN001
    """Record what SQLite compiles on the writer's connection, after `one_offs` statements
    run once each on it (a day's variety: lookups, reports, screens)."""
    compiled: list[tuple[int, str | None]] = []
    assert ctx.engine.pool.checkedin() == 1, "the watch needs the pool's only connection"
    raw = ctx.engine.raw_connection()  # the pool's one connection: the saves below get it back
    try:
        conn = raw.driver_connection
        conn.set_authorizer(lambda action, arg1, *_: compiled.append((action, arg1)) or sqlcipher.SQLITE_OK)
        for i in range(one_offs):
            conn.execute(f"SELECT {i} AS one_off").fetchall()
    finally:
        raw.close()
    return compiled


def _save(ctx, clerk, n: int) -> None:  # noqa: ANN001
    g = find_item(ctx, "gtgs")
    applicant = person(id_number=resident_id("620321", "19850612", f"{n:03d}"))
    receive_case(ctx, clerk, IntakeInput(g.item_id, applicant, all_provided(g)))


@pytest.mark.parametrize("one_offs", [0, 300], ids=["right after the schema upgrade", "after 300 other statements"])
def test_a_save_runs_on_statements_compiled_once(ctx, clerk, one_offs: int) -> None:  # noqa: ANN001
    compiled = _watch_compiles(ctx, one_offs)
    _save(ctx, clerk, 1)  # compiles what the save needs (the authorizer made every statement stale)
    assert (sqlcipher.SQLITE_INSERT, "cases") in compiled, "the watch did not see the first save compile"
    compiled.clear()
    _save(ctx, clerk, 2)
    _save(ctx, clerk, 3)
    recompiled = sorted({arg for action, arg in compiled if action == sqlcipher.SQLITE_INSERT})
    assert recompiled == [], f"the save compiled its INSERTs into {recompiled} again"
