"""受理 at the counter does not read the same row the same way twice: the item, the clerk, the
applicant and the 文号 sequence are asked for by several steps (the deadlines, each document's
snapshot), and the unit of work's session keeps what it loaded, so each is read from the
database once, not once per step (the identity map alone keeps a row only while something
refers to it)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import event

from app.case_states import Action
from app.usecases.decisions import Decision, intake_and_decide
from app.usecases.intake import IntakeInput
from tests.helpers import all_provided, find_item, person, resident_id

pytestmark = pytest.mark.timeout(60)

WATCHED = ("service_items", "clerks", "parties", "document_sequences")
FIRST_TABLE = re.compile(r"\s*SELECT\b.*?\bFROM\s+\"?(\w+)", re.IGNORECASE | re.DOTALL)


def test_acceptance_runs_no_read_twice(ctx, clerk) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g)), Decision(Action.ACCEPT))  # warm

    reads: Counter[tuple[str, str, str]] = Counter()  # (table, statement, its parameters)

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        found = FIRST_TABLE.match(statement)
        if found and found.group(1).lower() in WATCHED:
            reads[(found.group(1).lower(), statement, repr(parameters))] += 1

    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        applicant = person("王秀英", resident_id("620321", "19900101", "002"))
        result = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, applicant, all_provided(g)), Decision(Action.ACCEPT))
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)

    assert len(result.value.documents) >= 2  # the notice and the receipt: two snapshots built
    assert {table for table, _sql, _params in reads} == set(WATCHED)
    assert [(table, n) for (table, _sql, _params), n in reads.items() if n > 1] == []
