"""Whatever the clerk types, intake answers with Chinese messages and codes — never a crash,
and nothing is saved half-way."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.rules.decisions import Provided, Tick
from app.rules.party import PartyInput
from app.rules.problems import RuleError
from app.storage.models import Case
from app.usecases.intake import IntakeInput, receive_case
from tests.helpers import find_item

# Lone surrogates, controls and invisible characters too: they are refused by name, never a crash
# (tests/test_property_use_cases.py throws 10,000 such inputs at the use cases).
ODD = st.integers(0xD800, 0xDFFF).map(chr) | st.sampled_from("\x00\x07\t\u200b\u202e\ufeff")
TEXT = st.text(st.characters() | ODD, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["person", "organisation", "robot"]), name=TEXT, id_type=TEXT | st.just("居民身份证"),
       id_number=TEXT, phone=TEXT, pages=st.integers(-5, 5), provided=st.sampled_from(list(Provided)))
def test_any_input_is_either_saved_whole_or_refused_in_chinese(ctx, clerk, kind, name, id_type, id_number, phone,
                                                              pages, provided) -> None:
    g = find_item(ctx, "个体工商户设立登记")
    with ctx.read() as s:
        before = s.scalar(select(func.count()).select_from(Case))
    m = g.materials[0]
    data = IntakeInput(g.item_id, PartyInput(kind, name, id_type, id_number, phone, legal_rep=name),
                       [Tick(m.material_id, m.name, provided, pages)])
    try:
        receive_case(ctx, clerk, data)
        saved = True
    except RuleError as err:
        saved = False
        assert err.problems
        for p in err.problems:
            assert p.code.isupper() and any("\u4e00" <= ch <= "\u9fff" for ch in p.message)
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == before + (1 if saved else 0)
