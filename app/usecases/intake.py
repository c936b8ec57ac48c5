"""收件: take a walk-in application in — applicant, agent, materials — under an official number."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.actor import Actor
from app.case_states import Action, State
from app.changes import OpResult
from app.context import AppContext
from app.documents import PartySnapshot
from app.events import CaseReceived, materials_of
from app.permissions import Perm, Role
from app.rules.decisions import Provided, Requirement, Tick, tick_problems, trimmed
from app.rules.identity import check_credit_code, check_resident_id, normalise_code_text
from app.rules.party import RESIDENT_ID, PartyInput, check_party
from app.rules.problems import Problem, RuleError
from app.rules.text import MAX_MATERIALS, check_text
from app.storage.models import Case, CaseEvent, Material, MaterialSubmission, Party, ServiceItem
from app.storage.prepared import Prepared
from app.unit_of_work import UnitOfWork
from app.usecases.case_flow import check_step, deadline_columns
from app.usecases.numbers import take_number
from app.usecases.scans import link_pages


def channel_of(actor: Actor) -> str:
    """收件渠道 follows who takes the case in, not what a form says: a 便民服务站 clerk receives
    on the hall's behalf (便民站代收); everyone else at a window."""
    return "station" if actor.role == Role.STATION else "window"


@dataclass(frozen=True)
class IntakeInput:
    item_id: int
    applicant: PartyInput
    materials: list[Tick]
    agent: PartyInput | None = None
    authorisation: str = ""  # 委托书: what it authorises, its date


@dataclass(frozen=True)
class IntakeResult:
    number: str
    warnings: tuple[Problem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IntakeItem:
    """What taking a case in needs of a service item: its state, limits and current materials
    (not the guide's long texts, which the save never reads)."""

    id: int
    name: str
    implementation_code: str
    revision: int
    status: str
    status_reason: str
    status_since: date | None
    legal_limit_days: int
    committed_limit_days: int
    materials: tuple[Requirement, ...]


def requirements_of(item: IntakeItem) -> list[Requirement]:
    return list(item.materials)


def check_intake(today: date, item: IntakeItem, data: IntakeInput) -> tuple[PartyInput, PartyInput | None, list[Problem], list[Problem]]:
    """Every problem with the form at once, so the clerk fixes them in one pass."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if item.status != "active":
        label = {"suspended": "暂停", "terminated": "终止"}.get(item.status, item.status)
        since = f"自{item.status_since:%Y年%m月%d日}起" if item.status_since else ""
        problems.append(Problem("ITEM_NOT_ACTIVE", f"事项“{item.name}”{since}已{label}（{item.status_reason or '未说明原因'}），不能收件。"))
    applicant = check_party(data.applicant, today)
    problems += applicant.problems
    warnings += applicant.warnings
    agent_party = None
    if data.agent is not None:
        agent = check_party(data.agent, today, who="代理人", field_prefix="agent.")
        problems += agent.problems
        warnings += agent.warnings
        agent_party = agent.party
        if not data.authorisation.strip():
            problems.append(Problem("AGENT_NO_AUTHORISATION", "代理人办理须有申请人签署的授权委托书，请登记委托书内容。", "authorisation"))
    problems += check_text("authorisation", data.authorisation.strip(), "authorisation")
    if len(data.materials) > MAX_MATERIALS:
        problems.append(Problem("MATERIALS_TOO_MANY", f"一个办件最多登记{MAX_MATERIALS}项材料，现在是{len(data.materials)}项。", "materials"))
        return applicant.party, agent_party, problems, warnings
    reqs = {r.material_id: r for r in requirements_of(item)}
    for t in data.materials:
        problems += tick_problems(reqs.get(t.material_id), trimmed(t), today)
    if any(t.material_id is not None and t.material_id not in reqs for t in data.materials):  # another item's, or removed
        problems.append(Problem("MATERIAL_UNKNOWN", "有材料不在该事项现行的材料清单中，目录可能已更新，请重新选择事项后再登记。",
                                "materials"))
    return applicant.party, agent_party, problems, warnings


# The save path's statements, compiled once (app/storage/prepared.py): each row is written in
# one statement on the transaction's connection, without the ORM's flushes (a flush per
# generated id, the bookkeeping of every attribute set) or Core's per-statement machinery.
_PARTIES = Party.__table__
_FIND_PARTY = Prepared(select(_PARTIES.c.id, _PARTIES.c.phone, _PARTIES.c.address, _PARTIES.c.legal_rep)
                       .where(_PARTIES.c.id_number == bindparam("id_number"), _PARTIES.c.name == bindparam("name"),
                              _PARTIES.c.kind == bindparam("kind")).limit(1))
_UPDATE_PARTY = Prepared(update(_PARTIES).where(_PARTIES.c.id == bindparam("party_id"))
                         .values(phone=bindparam("new_phone"), address=bindparam("new_address"),
                                 legal_rep=bindparam("new_legal_rep")))
# RETURNING the whole row: the audit seal hashes it as stored without reading it again.
_INSERT_PARTY = Prepared(insert(_PARTIES).returning(*_PARTIES.c))
_INSERT_CASE = Prepared(insert(Case.__table__).returning(*Case.__table__.c))
_INSERT_SUBMISSION = Prepared(insert(MaterialSubmission.__table__))
_INSERT_CASE_EVENT = Prepared(insert(CaseEvent.__table__))
_ITEMS, _MATERIALS = ServiceItem.__table__, Material.__table__
# The item and its current materials in one query (no materials: one row of NULLs).
_LOAD_ITEM = Prepared(select(_ITEMS.c.id, _ITEMS.c.name, _ITEMS.c.implementation_code, _ITEMS.c.revision, _ITEMS.c.status,
                             _ITEMS.c.status_reason, _ITEMS.c.status_since, _ITEMS.c.legal_limit_days,
                             _ITEMS.c.committed_limit_days, _MATERIALS.c.id.label("material_id"),
                             _MATERIALS.c.name.label("material_name"), _MATERIALS.c.required, _MATERIALS.c.tolerable,
                             _MATERIALS.c.platform_verifiable)
                      .select_from(_ITEMS.outerjoin(_MATERIALS, (_MATERIALS.c.item_id == _ITEMS.c.id)
                                                    & _MATERIALS.c.retired.is_(False)))
                      .where(_ITEMS.c.id == bindparam("item_id"))
                      .order_by(_MATERIALS.c.position))


def _find_or_add_party(uow: UnitOfWork, p: PartyInput) -> int:
    """Same ID number and name: the same person; details are refreshed, not duplicated."""
    conn = uow.connection
    if p.id_number:
        found = _FIND_PARTY.rows(conn, {"id_number": p.id_number, "name": p.name, "kind": p.kind})
        if found:
            party_id, phone, address, legal_rep = found[0]
            new = (p.phone or phone, p.address or address, p.legal_rep)
            if new != (phone, address, legal_rep):
                _UPDATE_PARTY.run(conn, {"party_id": party_id, "new_phone": new[0], "new_address": new[1],
                                         "new_legal_rep": new[2]})
                uow.touched("parties", party_id)
            return int(party_id)
    party = _INSERT_PARTY.mapping(conn, {
        "kind": p.kind, "name": p.name, "id_type": p.id_type, "id_number": p.id_number, "phone": p.phone,
        "address": p.address, "legal_rep": p.legal_rep, "created_at": uow.now})
    uow.inserted("parties", party)
    return int(party["id"])


def add_submissions(s: Session, case_id: int, round_: int, ticks: list[Tick]) -> None:
    """The materials of one round, in one INSERT, and the scanned pages they name."""
    if ticks:
        _INSERT_SUBMISSION.run_many(s.connection(), [{
            "case_id": case_id, "round": round_, "material_id": t.material_id, "name": t.name,
            "provided": Provided(t.provided).value, "pages": t.pages, "reused_from_case": t.reused_from_case,
            "platform_verified": t.platform_verified, "tolerated": t.tolerated, "promise_date": t.promise_date,
            "clerk_note": t.clerk_note, "problem": t.problem, "problem_note": t.problem_note,
        } for t in ticks])
    for t in ticks:
        if t.scans:
            link_pages(s, case_id, round_, t.name, t.scans)


def load_item(s: Session, item_id: int) -> IntakeItem:
    rows = _LOAD_ITEM.rows(s.connection(), {"item_id": item_id})
    if not rows:
        raise RuleError(Problem("ITEM_NOT_FOUND", "找不到该事项，目录可能已更新，请重新查找。"))
    materials = tuple(Requirement(*m[9:]) for m in rows if m[9] is not None)  # (id, name, required, …) as selected
    return IntakeItem(*rows[0][:9], materials=materials)


def save_intake(uow: UnitOfWork, item: IntakeItem, data: IntakeInput) -> tuple[int, str, tuple[Problem, ...]]:
    """Inside the caller's unit of work: the case in state 收件 under an official number (the
    workflow's creation row) — (case id, number, warnings) — or RuleError with every problem
    of the form. The rows go in with prepared statements; the unit of work seals them."""
    row = check_step(uow, None, Action.RECEIVE)
    data = replace(data, materials=[trimmed(t) for t in data.materials])  # stored as the limits counted them
    applicant, agent, problems, warnings = check_intake(uow.today, item, data)
    if problems:
        raise RuleError(problems)
    conn, now, actor = uow.connection, uow.now, uow.actor
    channel = channel_of(actor)
    applicant_id = _find_or_add_party(uow, applicant)
    agent_id = _find_or_add_party(uow, agent) if agent else None
    number = take_number(uow)
    state = State(row.to.value)
    # Deadlines before the INSERT: a new case has no suspensions, so no query, no UPDATE.
    deadlines = deadline_columns(uow, state, now.date(), None, item.committed_limit_days, item.legal_limit_days, [])
    case = _INSERT_CASE.mapping(conn, {
        "number": number, "item_id": item.id, "applicant_id": applicant_id, "agent_id": agent_id,
        "authorisation": data.authorisation.strip(), "channel": channel, "clerk_id": actor.clerk_id,
        "window_no": actor.window_no, "terminal_id": uow.terminal_id, "received_at": now, "received_on": now.date(),
        "round": 1, "round_received_on": now.date(), "state": state.value, "updated_at": now, **deadlines,
    })
    uow.inserted("cases", case)
    case_id = int(case["id"])
    add_submissions(uow.session, case_id, 1, data.materials)
    _INSERT_CASE_EVENT.run(conn, {"case_id": case_id, "at": now, "actor": actor.username,
                                  "action": row.action.value, "from_state": "", "to_state": state.value,
                                  "note": "", "detail": {"channel": channel}})
    uow.send(number, CaseReceived(
        item_code=item.implementation_code, item_revision=item.revision, channel=channel,
        applicant=PartySnapshot.of(applicant), agent=PartySnapshot.of(agent) if agent else None,
        authorisation=data.authorisation.strip(), window_no=actor.window_no, materials=materials_of(data.materials)))
    uow.changes.case(number)
    return case_id, number, tuple(warnings)


def receive(uow: UnitOfWork, item: IntakeItem, data: IntakeInput) -> tuple[Case, tuple[Problem, ...]]:
    """`save_intake`, with the saved case loaded for a step taken in the same unit of work
    (receive-and-decide)."""
    case_id, _number, warnings = save_intake(uow, item, data)
    case = uow.session.get(Case, case_id)
    assert case is not None  # just inserted in this transaction
    return case, warnings


def receive_case(ctx: AppContext, actor: Actor, data: IntakeInput) -> OpResult[IntakeResult]:
    """Save a new case in state 收件 with an official number, or refuse with every problem."""
    with ctx.unit_of_work(actor) as uow:
        _case_id, number, warnings = save_intake(uow, load_item(uow.session, data.item_id), data)
    return OpResult(IntakeResult(number, warnings), uow.changes.freeze())


@dataclass(frozen=True)
class IdEntry:
    """What the ID field says the moment the clerk leaves it."""

    value: str  # normalised: full-width digits, spaces, dashes and a lower-case x already fixed
    ok: bool
    message: str  # "✓ 男 1985-06-12" or the problem, in Chinese
    code: str = ""


def check_id_entry(kind: str, id_type: str, text: str, today: date) -> IdEntry:
    """Immediate feedback for the ID field (no database): the same rules the save applies."""
    if not text.strip():
        return IdEntry("", True, "")
    if kind == "organisation":
        c = check_credit_code(text)
        return IdEntry(c.value, c.ok, "✓ 统一社会信用代码校验通过" if c.ok else c.problems[0].message,
                       "" if c.ok else c.problems[0].code)
    if id_type and id_type != RESIDENT_ID:
        return IdEntry(" ".join(text.split()).upper(), True, "")
    c = check_resident_id(text, today)
    if not c.ok:
        return IdEntry(c.value, False, c.problems[0].message, c.problems[0].code)
    born = f" {c.birth_date:%Y-%m-%d}" if c.birth_date else ""
    warn = f"（{c.warnings[0].message}）" if c.warnings else ""
    return IdEntry(c.value, True, f"✓ {c.gender}{born}{warn}")


@dataclass(frozen=True)
class ReusableMaterial:
    material_name: str
    case_number: str
    received_on: date
    provided: str


def reusable_materials(ctx: AppContext, actor: Actor, id_number: str) -> dict[str, ReusableMaterial]:
    """第十七条: materials this applicant already gave on earlier cases, newest first, by name.
    `id_number` as typed or scanned (full-width digits, spaces, a lower-case x are fixed here)."""
    actor.require(Perm.CASE_VIEW)
    id_number = normalise_code_text(id_number)
    if not id_number:
        return {}
    with ctx.read() as s:
        rows = s.execute(
            select(MaterialSubmission.name, Case.number, Case.received_on, MaterialSubmission.provided)
            .join(Case, Case.id == MaterialSubmission.case_id)
            .join(Party, Party.id == Case.applicant_id)
            .where(Party.id_number == id_number, MaterialSubmission.provided.in_(["original", "copy", "electronic"]),
                   MaterialSubmission.problem == "")
            .order_by(Case.received_at.desc())
            .limit(200)
        ).all()
    found: dict[str, ReusableMaterial] = {}
    for name, number, received_on, provided in rows:
        found.setdefault(name, ReusableMaterial(name, number, received_on, provided))
    return found


def item_requirements(s: Session, item_id: int) -> list[Requirement]:
    """The item's current materials, as the save reads them (one query for both)."""
    return list(load_item(s, item_id).materials)
