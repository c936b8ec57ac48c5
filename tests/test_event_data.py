"""What an event carries is checked before it is queued, and queued as the contract's JSON.

A wrong value in an event would reach the platform and be refused there, long after the
clerk has moved on; so `checked_data` refuses it at once, naming the field, and the save
it belongs to is not stored (the unit of work rolls back). What it queues is the contract's
JSON: "from" for `from_`, dates as ISO text, tuples as lists.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.documents import MaterialLine, PartySnapshot
from app.events import CaseReceived, SupplementData, SupplementRequested, ToleratedData, checked_data
from app.rules.problems import RuleError
from sync import contract

pytestmark = pytest.mark.timeout(30)

APPLICANT = PartySnapshot("person", "张桂兰", "居民身份证", "620321198506122313", "13893512345", "永昌县城关镇北海子路12号")


def _received(**changes: object) -> CaseReceived:
    event = CaseReceived(
        item_code="11620321MB0001", item_revision=3, channel="window", applicant=APPLICANT, agent=None,
        authorisation="", window_no="3",
        materials=(MaterialLine("营业执照申请书", "original", pages=2),
                   MaterialLine("经营场所证明", "copy", pages=1, tolerated=True, promise_date=date(2026, 12, 4))))
    return replace(event, **changes)


def _refusal(kind: str, data: object) -> str:
    with pytest.raises(RuleError) as caught:
        checked_data(kind, data)
    (problem,) = caught.value.problems
    assert problem.code == "EVENT_INVALID"
    return problem.message


def test_the_wire_form_is_the_contracts_json() -> None:
    wire = checked_data(CaseReceived.kind, _received())
    assert wire["applicant"]["id_number"] == "620321198506122313"
    assert wire["agent"] is None
    assert [m["name"] for m in wire["materials"]] == ["营业执照申请书", "经营场所证明"]
    assert wire["materials"][1]["promise_date"] == "2026-12-04" and wire["materials"][0]["promise_date"] is None
    assert wire["materials"][1]["tolerated"] is True and wire["materials"][0]["pages"] == 2
    contract.EVENT_DATA_MODELS[CaseReceived.kind].model_validate(wire)

    moved = checked_data(SupplementRequested.kind, SupplementRequested(
        from_="received", to="awaiting_supplement", round=1, note="",
        supplement=(SupplementData("经营场所证明", "missing", "须加盖产权单位公章"),)))
    assert moved["from"] == "received" and "from_" not in moved
    assert moved["supplement"] == [{"name": "经营场所证明", "kind": "missing", "note": "须加盖产权单位公章"}]
    assert moved["materials"] == []
    contract.EVENT_DATA_MODELS[SupplementRequested.kind].model_validate(moved)


@pytest.mark.parametrize(("changes", "where"), [
    ({"item_revision": "3"}, "case.receive.item_revision"),
    ({"item_revision": True}, "case.receive.item_revision"),  # a yes/no is not a number
    ({"agent": "李建华"}, "case.receive.agent"),
    ({"applicant": replace(APPLICANT, phone=13893512345)}, "case.receive.applicant.phone"),
    ({"materials": (MaterialLine("营业执照申请书"), MaterialLine("经营场所证明", pages="2"))},
     "case.receive.materials[1].pages"),
    ({"materials": (MaterialLine("营业执照申请书", promise_date="2026-12-04"),)}, "case.receive.materials[0].promise_date"),
    ({"materials": [MaterialLine("营业执照申请书")]}, "case.receive.materials"),  # a list where the type says tuple
    ({"materials": (ToleratedData("营业执照申请书", date(2026, 12, 4)),)}, "case.receive.materials[0]"),
])
def test_a_wrong_value_is_refused_naming_its_field(changes: dict, where: str) -> None:
    assert f"字段 {where} 类型不对" in _refusal(CaseReceived.kind, _received(**changes))


def test_data_of_another_kind_is_refused() -> None:
    assert "内容类型不对（CaseReceived）" in _refusal(SupplementRequested.kind, _received())
    assert "内容类型不对（dict）" in _refusal(CaseReceived.kind, {"item_code": "11620321MB0001"})
