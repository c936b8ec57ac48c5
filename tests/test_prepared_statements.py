"""The save path's prepared statements store and read back exactly what Core does.

A saved case is read by the ORM, compared in SQL (dates as text) and hashed for the audit
seal: a timestamp written as '…12:00:00' by one path and '…12:00:00.000000' by the other
would sort, compare and hash differently. So each check is on the stored text itself.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import bindparam, create_engine, event, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.storage.models import Base, NumberBlock, ServiceItem
from app.storage.prepared import Prepared

pytestmark = pytest.mark.timeout(60)

ITEMS = ServiceItem.__table__


@pytest.fixture
def conn():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with engine.begin() as c:
        yield c


def _item(n: int, **extra: object) -> dict:
    row = {"name": f"事项{n}", "implementation_code": f"11620321MB{n:04d}", "department": "市场监管局",
           "item_type": "行政许可", "handling_kind": "承诺件",
           "legal_limit_days": 20, "committed_limit_days": 5, "updated_at": datetime(2026, 11, 30, 12, 0, 0)}
    return row | extra


def _stored(conn, item_id: int) -> dict:  # noqa: ANN001
    """The row as SQLite holds it: text, integers, NULLs, with no type processing."""
    row = conn.exec_driver_sql("SELECT * FROM service_items WHERE id = ?", (item_id,)).mappings().one()
    return {k: v for k, v in row.items() if k not in _OWN}


_OWN = ("id", "name", "implementation_code")  # what differs between two inserted items by design


def test_a_prepared_insert_stores_the_same_text_as_core_defaults_included(conn) -> None:  # noqa: ANN001
    # Microsecond 0 is the case where str(datetime) and SQLAlchemy's stored form differ.
    extra = {"status_since": date(2026, 3, 1), "special_procedures": [{"名称": "公示", "天数": 20}]}
    core_id = conn.execute(insert(ITEMS).returning(ITEMS.c.id), _item(1, **extra)).scalar_one()
    prepared = Prepared(insert(ITEMS).returning(*ITEMS.c))
    row = prepared.mapping(conn, _item(2, **extra))

    assert _stored(conn, row["id"]) == _stored(conn, core_id)
    assert _stored(conn, core_id)["updated_at"] == "2026-11-30 12:00:00.000000"
    assert _stored(conn, core_id)["status"] == "active"  # a scalar default
    # RETURNING comes back typed, as Core's own read gives it.
    core_row = dict(conn.execute(select(ITEMS).where(ITEMS.c.id == core_id)).one()._mapping)
    assert {k: v for k, v in row.items() if k not in _OWN} == {k: v for k, v in core_row.items() if k not in _OWN}
    assert row["updated_at"] == datetime(2026, 11, 30, 12, 0, 0) and row["status_since"] == date(2026, 3, 1)


def test_a_callable_default_is_called_for_each_row(conn) -> None:  # noqa: ANN001
    Prepared(insert(ITEMS)).run_many(conn, [_item(3), _item(4)])
    # default=list: '[]' stored, not NULL (which the catalog screen would read as None)
    assert conn.exec_driver_sql("SELECT special_procedures FROM service_items").scalars().all() == ["[]", "[]"]


def test_rows_come_back_typed_and_literals_keep_their_value(conn) -> None:  # noqa: ANN001
    blocks = NumberBlock.__table__
    conn.execute(insert(blocks), {"prefix": "6203212026", "first": 1, "last": 2, "next": 1, "source": "demo",
                                  "leased_at": datetime(2026, 11, 30, 9, 0)})
    take = Prepared(update(blocks).where(blocks.c.prefix == bindparam("p"))
                    .values(next=blocks.c.next + 1, exhausted=blocks.c.next + 1 > blocks.c.last)
                    .returning(blocks.c.next - 1, blocks.c.exhausted))
    assert take.rows(conn, {"p": "6203212026"}) == [(1, False)]
    assert take.rows(conn, {"p": "6203212026"}) == [(2, True)]  # `+ 1` is a literal the statement carries
    assert take.rows(conn, {"p": "nothing"}) == []
    leased = Prepared(select(blocks.c.leased_at, blocks.c.exhausted))
    assert leased.rows(conn, {}) == [(datetime(2026, 11, 30, 9, 0), True)]


def test_a_column_given_differently_gets_its_own_statement(conn) -> None:  # noqa: ANN001
    prepared = Prepared(insert(ITEMS))
    prepared.run(conn, _item(5))
    prepared.run(conn, _item(6, status="suspended", status_reason="机构改革"))
    got = conn.execute(text("SELECT name, status, status_reason FROM service_items ORDER BY id")).all()
    assert [tuple(r) for r in got] == [("事项5", "active", ""), ("事项6", "suspended", "机构改革")]


def test_errors_arrive_as_sqlalchemys_and_listeners_see_each_statement(conn) -> None:  # noqa: ANN001
    seen: list[str] = []
    event.listen(conn, "before_cursor_execute", lambda *a: seen.append(a[2]))
    prepared = Prepared(insert(ITEMS))
    prepared.run(conn, _item(7))
    # The unit of work turns SQLAlchemy's errors into the clerk's message (disk full, busy, …):
    # a raw sqlite3 error would escape it.
    with pytest.raises(IntegrityError):
        prepared.run(conn, _item(7))  # the same implementation code twice
    assert len(seen) == 2 and seen[0].startswith("INSERT INTO service_items")
