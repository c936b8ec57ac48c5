"""Hot statements compiled once, run as plain SQL with their values converted by SQLAlchemy's
own type processors.

A Core `conn.execute(stmt, params)` costs 25–40 µs of Python per statement on the save path
(cache key, parameter construction, processor lookup, result set-up): more than SQLite takes
to write the row. A `Prepared` statement is compiled once per dialect and set of given
columns, and keeps the SQL, the order of its `?` parameters, each parameter's bind processor
(the functions Core itself applies, so a datetime or a JSON value is stored exactly as through
Core) and the columns' Python-side defaults. A run is one call on the DBAPI cursor of
SQLAlchemy's connection, inside its transaction: `before_cursor_execute` listeners still see
every statement (the intake benchmark records the writes that way), and a DBAPI error is
raised as SQLAlchemy's, so the unit of work tells the clerk "disk full" or "busy" as it does
for any statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable


class _Compiled:
    __slots__ = ("sql", "binds", "results", "converts", "names")

    def __init__(self, stmt: Executable, dialect: Dialect, given: tuple[str, ...]):
        compiled = stmt.compile(dialect=dialect, column_keys=list(given))  # type: ignore[attr-defined]
        self.sql: str = compiled.string
        # What Core computes at execution for a column the caller did not give: its default.
        defaults: dict[str, Callable[[], Any]] = {}
        prefetch = [(c, c.default) for c in compiled.insert_prefetch] + [(c, c.onupdate) for c in compiled.update_prefetch]
        for col, d in prefetch:
            if d is not None and d.is_scalar:
                defaults[col.key] = lambda v=d.arg: v
            elif d is not None and d.is_callable:
                defaults[col.key] = lambda f=d.arg: f(None)  # Core wraps a no-argument callable to take a context
            else:
                raise ValueError(f"{col.key}: a default Prepared cannot compute; give the column explicitly")
        # (name, processor, the statement's own value or default): literals such as `next + 1`
        # are anonymous parameters that carry their value.
        binds = []
        for name in compiled.positiontup or ():
            bp = compiled.binds[name]
            own = defaults.get(name) if name not in given else None
            if own is None and name not in given:
                value = bp.value
                own = lambda v=value: v  # noqa: E731 — the literal, as a zero-argument getter
            binds.append((name, bp.type.dialect_impl(dialect).bind_processor(dialect), own))
        self.binds: tuple[tuple[str, Callable[[Any], Any] | None, Callable[[], Any] | None], ...] = tuple(binds)
        columns = getattr(stmt, "selected_columns", None) or getattr(stmt, "_returning", ()) or ()
        self.results: tuple[Callable[[Any], Any] | None, ...] = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        self.converts = any(self.results)  # else the driver's rows are already what Core gives
        self.names: tuple[str, ...] = tuple(c.key for c in columns)

    def values(self, params: Mapping[str, Any]) -> tuple:
        out = []
        for name, proc, own in self.binds:
            v = params[name] if own is None else own()
            out.append(v if proc is None or v is None else proc(v))
        return tuple(out)


def execute_driver(conn: Connection, sql: str, values: Any = (), many: bool = False) -> Any:
    """`sql` on the DBAPI cursor of SQLAlchemy's connection, inside its transaction, as Core
    would run it for listeners and errors; the cursor."""
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    if conn.dispatch.before_cursor_execute:
        conn.dispatch.before_cursor_execute(conn, cursor, sql, values, None, many)
    try:
        if many:
            cursor.executemany(sql, values)
        else:
            cursor.execute(sql, values)
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, values, exc, dbapi.Error) from exc
    return cursor


class Prepared:
    """One statement, run on the transaction's connection with `run`, `run_many` or `rows`."""

    def __init__(self, stmt: Executable):
        self._stmt = stmt
        self._compiled_for: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _compiled(self, conn: Connection, params: Mapping[str, Any]) -> _Compiled:
        key = (conn.dialect.name, tuple(params))
        c = self._compiled_for.get(key)
        if c is None:
            c = self._compiled_for[key] = _Compiled(self._stmt, conn.dialect, key[1])
        return c

    def run(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Execute once; the number of rows it changed."""
        c = self._compiled(conn, params)
        return execute_driver(conn, c.sql, c.values(params)).rowcount

    def run_many(self, conn: Connection, params: Sequence[Mapping[str, Any]]) -> int:
        """The same statement for each of `params` (all with the same keys)."""
        c = self._compiled(conn, params[0])
        return execute_driver(conn, c.sql, [c.values(p) for p in params], many=True).rowcount

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Execute and fetch every row (a SELECT, or RETURNING), values as Core would give them."""
        return self._fetch(self._compiled(conn, params), conn, params)

    def mapping(self, conn: Connection, params: Mapping[str, Any]) -> dict[str, Any]:
        """Execute and give the one row back by column name (an INSERT … RETURNING)."""
        c = self._compiled(conn, params)
        (row,) = self._fetch(c, conn, params)
        return dict(zip(c.names, row, strict=True))

    @staticmethod
    def _fetch(c: _Compiled, conn: Connection, params: Mapping[str, Any]) -> list[tuple]:
        raw = execute_driver(conn, c.sql, c.values(params)).fetchall()
        if not c.converts:
            return raw
        procs = c.results
        return [tuple(v if p is None or v is None else p(v) for p, v in zip(procs, row, strict=True)) for row in raw]
