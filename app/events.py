"""What each platform event carries: one frozen, typed dataclass per event kind.

An event's data is built only through these types (never a free dict), checked before it is
queued (`checked_data`), and compared field by field with the contract's pydantic models
(sync/contract/events.py `EVENT_DATA_MODELS`) by tests/test_contract_agreement.py — so the terminal,
the contract and the sandbox cannot drift apart. app/ may not import sync/, hence two
definitions held in step by a test rather than one import.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from functools import cache
from typing import Any, ClassVar

from app.documents import MaterialLine, PartySnapshot
from app.rules.decisions import Tick
from app.rules.problems import Problem, RuleError


def materials_of(ticks: list[Tick], round: int = 1) -> tuple[MaterialLine, ...]:  # noqa: A002
    return tuple(MaterialLine.of(t, round=round) for t in ticks)


@dataclass(frozen=True)
class ToleratedData:
    name: str
    promise_date: date


@dataclass(frozen=True)
class SupplementData:
    name: str
    kind: str  # missing | incorrect
    note: str


@dataclass(frozen=True)
class CorrectionData:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class CaseReceived:
    kind: ClassVar[str] = "case.receive"
    item_code: str
    item_revision: int
    channel: str
    applicant: PartySnapshot
    agent: PartySnapshot | None
    authorisation: str
    window_no: str
    materials: tuple[MaterialLine, ...]


@dataclass(frozen=True)
class CaseMoved:
    """What every step of a case tells the platform; kinds with more add fields."""

    kind: ClassVar[str] = ""
    from_: str
    to: str
    round: int
    note: str


@dataclass(frozen=True)
class CaseAccepted(CaseMoved):
    kind: ClassVar[str] = "case.accept"
    materials: tuple[MaterialLine, ...] = ()
    tolerated: tuple[ToleratedData, ...] = ()


@dataclass(frozen=True)
class SupplementRequested(CaseMoved):
    kind: ClassVar[str] = "case.request_supplement"
    materials: tuple[MaterialLine, ...] = ()
    supplement: tuple[SupplementData, ...] = ()


@dataclass(frozen=True)
class CaseRejected(CaseMoved):
    kind: ClassVar[str] = "case.reject"
    materials: tuple[MaterialLine, ...] = ()
    ground: str = ""
    ground_label: str = ""
    reason: str = ""
    competent_agency: str = ""
    remedy: str = ""


@dataclass(frozen=True)
class CorrectedOnSpot(CaseMoved):
    kind: ClassVar[str] = "case.correct_on_spot"
    corrections: tuple[CorrectionData, ...] = ()


@dataclass(frozen=True)
class MaterialsResubmitted(CaseMoved):
    kind: ClassVar[str] = "case.resubmit"
    materials: tuple[MaterialLine, ...] = ()


@dataclass(frozen=True)
class DeemedAccepted(CaseMoved):
    kind: ClassVar[str] = "case.deem_accepted"
    acceptance_due: date | None = None
    effective_on: date | None = None


@dataclass(frozen=True)
class ProcessingStarted(CaseMoved):
    kind: ClassVar[str] = "case.start_processing"


@dataclass(frozen=True)
class ClockSuspended(CaseMoved):
    kind: ClassVar[str] = "case.suspend_clock"
    procedure: str = ""
    limit_days: int = 0


@dataclass(frozen=True)
class ClockResumed(CaseMoved):
    kind: ClassVar[str] = "case.resume_clock"
    procedure: str = ""


@dataclass(frozen=True)
class CaseWithdrawn(CaseMoved):
    kind: ClassVar[str] = "case.withdraw"


@dataclass(frozen=True)
class CertificateCollected(CaseMoved):
    """What the platform needs of a hand-over (第二十二条): who, how checked, the signature's hash —
    never the photo, never an agent's full ID number."""

    kind: ClassVar[str] = "case.collect"
    mode: str = ""  # self | agent | organisation
    collector_name: str = ""
    collector_id_masked: str = ""
    identity_method: str = ""
    signature_sha256: str = ""
    blank_serial: str = ""
    override_by: str = ""
    override_reason: str = ""
    # The pages captured at the desk, by hash only (the images stay in the terminal's store):
    # 授权委托书 or a unit's letter, and the applicant's ID copy.
    authorisation_pages: tuple[str, ...] = ()
    id_copy_pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertificateMailed(CaseMoved):
    kind: ClassVar[str] = "case.mail"
    courier: str = ""
    tracking_no: str = ""
    blank_serial: str = ""


EVENT_TYPES: dict[str, type] = {t.kind: t for t in (
    CaseReceived, CaseAccepted, SupplementRequested, CaseRejected, CorrectedOnSpot, MaterialsResubmitted,
    DeemedAccepted, ProcessingStarted, ClockSuspended, ClockResumed, CaseWithdrawn, CertificateCollected,
    CertificateMailed,
)}

# The platform's own steps are reported by it, never sent to it: they have no event type.


def _wire_name(name: str) -> str:
    return "from" if name == "from_" else name


class _Mismatch(TypeError):
    """A value not of its field's type; `path` says where, as ".materials[2].pages"."""

    def __init__(self, path: str = ""):
        super().__init__(path)
        self.path = path


@cache
def _encoder(hint: Any) -> Callable[[Any], Any]:
    """Check a value of type `hint` and give its wire form, in one walk, worked out once per type.

    An event's materials are a dozen nested dataclasses, and queueing one is on the save's
    path: so the check builds no text on the way (where a wrong value is is worked out only
    once one is found), and the wire form comes out of the same walk rather than a second one."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        nullable = type(None) in options
        subs = tuple(_encoder(opt) for opt in options if opt is not type(None))

        def union(value: Any) -> Any:
            if value is None and nullable:
                return None
            for sub in subs:
                try:
                    return sub(value)
                except _Mismatch:
                    continue
            raise _Mismatch
        return union
    if origin is tuple:
        inner = _encoder(typing.get_args(hint)[0])

        def sequence(value: Any) -> list:
            if not isinstance(value, tuple):
                raise _Mismatch
            try:
                return [inner(v) for v in value]
            except _Mismatch:
                for i, v in enumerate(value):  # which one: only once something is wrong
                    try:
                        inner(v)
                    except _Mismatch as exc:
                        raise _Mismatch(f"[{i}]{exc.path}") from None
                raise
        return sequence
    if is_dataclass(hint):
        return _dataclass_encoder(hint)
    if hint is int:
        def integer(value: Any) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _Mismatch
            return value
        return integer
    if isinstance(hint, type) and issubclass(hint, date):  # a datetime too: ISO text
        def day(value: Any) -> str:
            if not isinstance(value, hint):
                raise _Mismatch
            return value.isoformat()
        return day

    def plain(value: Any) -> Any:  # str, bool: as they are
        if not isinstance(value, hint):
            raise _Mismatch
        return value
    return plain


def _dataclass_encoder(cls: type) -> Callable[[Any], dict]:
    plan = tuple((name, _wire_name(name), _encoder(hint)) for name, hint in _hints(cls))

    def encode(value: Any) -> dict:
        if not isinstance(value, cls):
            raise _Mismatch
        try:
            return {wire: enc(getattr(value, name)) for name, wire, enc in plan}
        except _Mismatch:
            for name, _wire, enc in plan:
                try:
                    enc(getattr(value, name))
                except _Mismatch as exc:
                    raise _Mismatch(f".{name}{exc.path}") from None
            raise
    return encode


@cache
def _hints(cls: type) -> tuple[tuple[str, Any], ...]:
    """The fields and their resolved types, once per class (get_type_hints is slow)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


@cache
def _wire_fields(cls: type) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, _wire_name(f.name)) for f in fields(cls))


def to_wire(value: Any) -> Any:
    """A value as the contract's JSON: `from_` as "from", dates ISO, tuples as lists (the free
    details of a timeline entry; an event's data goes through `checked_data`)."""
    if value is None or isinstance(value, str | int | float):  # most values: as they are (bool is an int)
        return value
    if is_dataclass(value):
        return {wire: to_wire(getattr(value, name)) for name, wire in _wire_fields(type(value))}
    if isinstance(value, tuple | list):
        return [to_wire(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def checked_data(kind: str, data: object) -> dict:
    """Refuse an event whose data is not exactly its kind's type, before it is queued; its
    wire form (the contract's JSON) if it is."""
    expected = EVENT_TYPES.get(kind)
    if expected is None or type(data) is not expected:
        raise RuleError(Problem("EVENT_INVALID", f"内部错误：事件“{kind}”的内容类型不对（{type(data).__name__}）。"))
    try:
        return _encoder(expected)(data)
    except _Mismatch as exc:
        raise RuleError(Problem("EVENT_INVALID", f"内部错误：事件“{kind}”的字段 {kind}{exc.path} 类型不对。")) from None
