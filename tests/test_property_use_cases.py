"""Issue 12 part 6: 10,000 odd inputs thrown at the use cases a clerk's typing reaches —
receive_case, intake_and_decide, correct_on_spot, withdraw_case. Random unicode (lone
surrogates, controls, zero-width and bidi characters), huge strings, full-width digits, and
valid values with one odd character inside. Whatever comes in:

- the use case either succeeds or raises RuleError — nothing else;
- every refusal carries problems, each with an upper-case code and a Chinese message that
  can itself be written out as UTF-8 (it never echoes a broken character back);
- a refusal saves nothing: cases, parties, events, outbox, submissions and audit unchanged.

One terminal (one database) for the whole module keeps it to well under a minute; the
examples are split across the four use cases (EXAMPLES below).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.bootstrap import start_terminal
from app.case_states import Action
from app.config import Paths
from app.context import CHINA_TZ, AppContext
from app.rules.decisions import Provided, RejectGround, Tick
from app.rules.party import OTHER_ID_TYPES, RESIDENT_ID, PartyInput
from app.rules.problems import RuleError
from app.usecases.auth import login
from app.usecases.decisions import Decision, correct_on_spot, intake_and_decide, withdraw_case
from app.usecases.intake import IntakeInput, receive_case
from app.usecases.setup import DEMO_PASSWORD
from tests.conftest import Clock
from tests.helpers import APPLICANT_ID, all_provided, find_item, resident_id

EXAMPLES = {"receive_case": 3000, "intake_and_decide": 3000, "correct_on_spot": 2000, "withdraw_case": 2000}
assert sum(EXAMPLES.values()) == 10_000

SETTINGS = dict(deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck))

# --- what the clerk might type (or paste) -------------------------------------------------------

_FULLWIDTH = str.maketrans("0123456789Xx-", "０１２３４５６７８９Ｘｘ－")
AGENT_ID = resident_id("620321", "19900315", "002")
VALID_TEXT = ["", "张桂兰", "王秀英", "阿卜杜·热合曼", "𠮷䶮明", APPLICANT_ID, APPLICANT_ID.translate(_FULLWIDTH), AGENT_ID,
              "13893512345", "１３８９３５１２３４５", "+86 138 9351 2345", "0935-7521234", "永昌县城关镇北海子路12号",
              "E12345678", "委托办理个体工商户设立登记", "申请人书面申请撤回", "不属本机关职权", "金昌市生态环境局永昌分局"]
ODD_CHARS = st.one_of(
    st.integers(0xD800, 0xDFFF).map(chr),  # lone surrogates
    st.integers(0, 0x1F).map(chr) | st.just("\x7f"),  # C0 controls, DEL
    st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                    "\u00ad\u2028\u2029\ufffd\ufffe\uffff\u3000\u00a0"),
    st.sampled_from("０１２３４５６７８９Ｘｘ①²٣𝟘"),  # digits that are not ASCII
    st.characters(),  # anything else (hypothesis leaves out surrogates here: they come above)
)
HUGE = st.builds(lambda c, n: c * n, ODD_CHARS | st.sampled_from("字a1"),
                 st.sampled_from([51, 101, 201, 301, 501, 1001, 5001, 100_000]))
TEXT = st.one_of(
    st.sampled_from(VALID_TEXT),
    st.text(ODD_CHARS, max_size=8),
    st.text(st.characters(), max_size=12),
    st.builds(lambda a, c, b: a + c + b, st.sampled_from(VALID_TEXT), ODD_CHARS, st.sampled_from(VALID_TEXT)),
    HUGE,
)

DECISION = st.builds(
    Decision,
    action=st.sampled_from([Action.ACCEPT, Action.REQUEST_SUPPLEMENT, Action.REJECT, Action.WITHDRAW]),
    reject_ground=st.sampled_from([g.value for g in RejectGround]) | TEXT,
    reason=TEXT,
    competent_agency=TEXT,
    note=TEXT,
)

# --- one terminal for the module --------------------------------------------------------------

_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_COUNTS = text(
    "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM parties), (SELECT count(*) FROM case_events),"
    " (SELECT count(*) FROM outbox_events), (SELECT count(*) FROM material_submissions),"
    " (SELECT count(*) FROM audit_records),"
    " (SELECT total(length(phone) + length(address) + length(legal_rep)) FROM parties),"
    " (SELECT group_concat(state) FROM cases WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 200))"
)


class World:
    def __init__(self, ctx: AppContext):
        self.ctx = ctx
        self.clerk = login(ctx, "clerk01", DEMO_PASSWORD)
        self.guide = find_item(ctx, "个体工商户设立登记")
        self.valid = all_provided(self.guide)
        self.saved: dict[str, int] = {}
        # Cases in 收件 for the corrections and withdrawals to act on (some get withdrawn on the way).
        self.numbers = [receive_case(ctx, self.clerk, IntakeInput(self.guide.item_id, PartyInput(
            "person", "张桂兰", id_number=APPLICANT_ID, phone="13893512345"), self.valid)).value.number
            for _ in range(40)]

    def counts(self) -> tuple:
        with self.ctx.read() as s:
            return tuple(s.execute(_COUNTS).one())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    data_dir: Path = tmp_path_factory.mktemp("property") / "terminal"
    data_dir.mkdir(parents=True)
    ctx = start_terminal(Paths(data_dir), clock=Clock(datetime(2026, 11, 20, 9, 30, tzinfo=CHINA_TZ)))
    yield World(ctx)
    ctx.close()


def _refusal_is_clear(err: RuleError) -> None:
    assert err.problems, "a refusal without problems"
    for p in err.problems:
        assert _CODE.match(p.code), p.code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in p.message), p.message
        p.message.encode("utf-8")  # no lone surrogate echoed back
        assert len(p.message) < 30_000, (p.code, len(p.message))


def _run(world: World, name: str, call) -> bool:  # noqa: ANN001
    """Call the use case; True if it saved, False if it refused clearly and saved nothing."""
    before = world.counts()
    try:
        call()
    except RuleError as err:
        _refusal_is_clear(err)
        assert world.counts() == before, "a refusal left something saved"
        return False
    world.saved[name] = world.saved.get(name, 0) + 1
    return True


# --- the four use cases --------------------------------------------------------------------------


# A valid form with one to four things changed: an odd value then reaches the checks behind
# the first ones (cheaper to draw than a whole random form, and a sharper test).
PARTY_FIELDS = ("kind", "name", "id_type", "id_number", "phone", "address", "legal_rep")
TICK_FIELDS = ("material_id", "name", "provided", "pages", "reused_from_case", "clerk_note", "problem",
               "problem_note", "promise_date", "tolerated", "platform_verified", "answered")
FIELD_VALUES = {
    "kind": st.sampled_from(["organisation", "robot", ""]) | TEXT,
    "id_type": st.sampled_from([*OTHER_ID_TYPES, "统一社会信用代码"]) | TEXT,
    "material_id": st.none() | st.integers(-5, 10**6),
    "provided": st.sampled_from(list(Provided)) | st.sampled_from(["", "paper", "原件"]) | TEXT,
    "pages": st.integers(-10, 20) | st.integers(-(2**70), 2**70),
    "problem": st.sampled_from(["missing", "incorrect", "wrong"]) | TEXT,
    "promise_date": st.none() | st.dates(date(1900, 1, 1), date(2100, 1, 1)),
    "tolerated": st.booleans(),
    "platform_verified": st.booleans(),
    "answered": st.booleans(),
}
FORM_FIELDS = ([f"applicant.{f}" for f in PARTY_FIELDS] + [f"agent.{f}" for f in PARTY_FIELDS]
               + [f"tick.{f}" for f in TICK_FIELDS] + ["authorisation", "item_id", "ticks", "agent"])


@st.composite
def intake(draw: st.DrawFn, world: World) -> IntakeInput:
    g = world.guide
    applicant = dict(kind="person", name="张桂兰", id_type=RESIDENT_ID, id_number=APPLICANT_ID, phone="13893512345",
                     address="永昌县城关镇北海子路12号", legal_rep="")
    agent = dict(applicant, name="王秀英", id_number=AGENT_ID) if draw(st.booleans()) else None
    ticks = [vars(t).copy() for t in world.valid]
    form = dict(item_id=g.item_id, authorisation="委托办理个体工商户设立登记" if agent else "")
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(FORM_FIELDS))
        part, _dot, name = where.partition(".")
        if part in ("applicant", "agent") and name:
            if part == "agent" and agent is None:
                agent = dict(applicant, name="王秀英", id_number=AGENT_ID)
            (applicant if part == "applicant" else agent)[name] = draw(FIELD_VALUES.get(name, TEXT))
        elif part == "tick":
            i = draw(st.integers(0, len(ticks)))
            if i == len(ticks):
                ticks.append(vars(Tick(None, "其他材料", Provided.COPY, 1)).copy())
            ticks[i][name] = draw(FIELD_VALUES.get(name, TEXT))
        elif part == "ticks":
            ticks = draw(st.sampled_from([[], ticks[:1], ticks + [vars(Tick(None, "其他材料", Provided.COPY, 1))] * 100]))
        elif part == "agent":
            agent = None
        elif part == "item_id":
            form["item_id"] = draw(st.integers(-3, 10**6))
        else:
            form[part] = draw(TEXT)
    return IntakeInput(applicant=PartyInput(**applicant), agent=PartyInput(**agent) if agent else None,
                       materials=[Tick(**t) for t in ticks], **form)


def test_receive_case_saves_whole_or_refuses_clearly(world: World) -> None:
    @settings(max_examples=EXAMPLES["receive_case"], **SETTINGS)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        form = data.draw(intake(world))
        before = world.counts()[0]
        if _run(world, "receive_case", lambda: receive_case(world.ctx, world.clerk, form)):
            assert world.counts()[0] == before + 1

    run()
    assert world.saved.get("receive_case"), "no example got through: the test only saw refusals"


def test_intake_and_decide_saves_whole_or_refuses_clearly(world: World) -> None:
    @settings(max_examples=EXAMPLES["intake_and_decide"], **SETTINGS)
    @given(data=st.data(), decision=DECISION)
    def run(data: st.DataObject, decision: Decision) -> None:
        form = data.draw(intake(world))
        before = world.counts()[0]
        if _run(world, "intake_and_decide", lambda: intake_and_decide(world.ctx, world.clerk, form, decision)):
            assert world.counts()[0] == before + 1

    run()
    assert world.saved.get("intake_and_decide"), "no example got through: the test only saw refusals"


# Odd text anywhere, or the kind a clerk types (a field she names, values that differ): with odd
# text alone about 1 example in 2,000 was a whole valid correction, and the test's check that
# some got through failed by chance.
CORRECTION = st.tuples(TEXT, TEXT, TEXT) | st.tuples(
    st.sampled_from(["申请人姓名", "联系电话", "住所", "经营场所"]), st.sampled_from(VALID_TEXT[1:]), st.sampled_from(VALID_TEXT[1:]))


def test_correct_on_spot_records_whole_or_refuses_clearly(world: World) -> None:
    @settings(max_examples=EXAMPLES["correct_on_spot"], **SETTINGS)
    @given(number=st.sampled_from(world.numbers) | TEXT,
           corrections=st.lists(CORRECTION, max_size=3) | st.lists(CORRECTION, min_size=11, max_size=12))
    def run(number: str, corrections: list[tuple[str, str, str]]) -> None:
        _run(world, "correct_on_spot", lambda: correct_on_spot(world.ctx, world.clerk, number, corrections))

    run()
    assert world.saved.get("correct_on_spot"), "no example got through: the test only saw refusals"


def test_withdraw_case_records_whole_or_refuses_clearly(world: World) -> None:
    @settings(max_examples=EXAMPLES["withdraw_case"], **SETTINGS)
    @given(number=st.sampled_from(world.numbers) | TEXT, reason=TEXT)
    def run(number: str, reason: str) -> None:
        _run(world, "withdraw_case", lambda: withdraw_case(world.ctx, world.clerk, number, reason))

    run()
    assert world.saved.get("withdraw_case"), "no example got through: the test only saw refusals"
