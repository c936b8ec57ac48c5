"""The pick-up desk's rules through its use cases (issue 14): who may collect, the supervisor's
override, mailing with a checked tracking number, a spoiled blank, the courier's list, and what
the platform is told."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.documents import DocumentKind
from app.rules.problems import RuleError
from app.storage.models import OutboxEvent
from app.usecases.documents import stored_snapshot
from app.usecases.pickup import (
    Collector,
    Mailing,
    Override,
    case_for_pickup,
    find_waiting,
    hand_over,
    issue_mailing_list,
    mail_certificate,
    spoil_blank,
    waiting_list,
)
from app.usecases.queries import case_detail
from tests.conftest import as_user
from tests.helpers import APPLICANT_ID, resident_id
from tests.sync.support import ready_for_pickup

PNG = b"\x89PNG\r\n\x1a\n" + b"signature-strokes"


def ready(ctx, clerk, n: int = 1) -> list[str]:  # noqa: ANN001
    return ready_for_pickup(ctx, clerk, n)


def last_event(ctx, number: str) -> dict:  # noqa: ANN001
    with ctx.read() as s:
        return s.scalars(select(OutboxEvent.payload).where(OutboxEvent.case_number == number)
                         .order_by(OutboxEvent.seq.desc())).first()


def test_the_applicant_collects_in_person_signs_and_gets_a_receipt(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    assert [w.number for w in waiting_list(ctx, pickup)] == [number]
    assert [w.number for w in find_waiting(ctx, pickup, APPLICANT_ID)] == [number]  # card read: her certificates
    assert case_for_pickup(ctx, pickup, number) == number
    me = Collector("self", "张桂兰", APPLICANT_ID, card_read=True)
    receipt = hand_over(ctx, pickup, number, me, PNG, blank_serial="No.0012345", certificate_no="620321600123456").value
    assert case_detail(ctx, pickup, number).state == "collected"
    snap = stored_snapshot(ctx, number, DocumentKind.HANDOVER_RECEIPT)
    assert receipt.kind == DocumentKind.HANDOVER_RECEIPT and snap.handover.collector_name == "张桂兰"
    masked = snap.handover.collector_id_masked
    assert masked != APPLICANT_ID and masked.startswith(APPLICANT_ID[:6]) and masked.endswith(APPLICANT_ID[-4:])
    assert snap.handover.identity_method == "居民身份证读卡核验" and snap.handover.signature_png_b64
    data = last_event(ctx, number)["data"]
    assert data["mode"] == "self" and data["signature_sha256"] and APPLICANT_ID not in str(data)
    assert waiting_list(ctx, pickup) == []


def test_someone_else_is_stopped_and_a_supervisor_may_override_with_a_reason(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    stranger = Collector("self", "王五", resident_id("620321", "19900101", "111"), card_read=True)
    with pytest.raises(RuleError) as err:
        hand_over(ctx, pickup, number, stranger, PNG)
    assert err.value.code == "HANDOVER_IDENTITY_MISMATCH" and "不一致" in err.value.message
    with pytest.raises(RuleError) as err:  # a pick-up clerk cannot approve her own exception
        hand_over(ctx, pickup, number, stranger, PNG, override=Override(pickup, "申请人电话确认由其亲属代领"))
    assert err.value.code == "PERMISSION_DENIED"
    sup = as_user(ctx, "super01")
    hand_over(ctx, pickup, number, stranger, PNG, override=Override(sup, "申请人电话确认由其亲属代领"))
    snap = stored_snapshot(ctx, number, DocumentKind.HANDOVER_RECEIPT)
    assert snap.handover.override_by == "super01" and "主管核准" in snap.handover.identity_method


def test_an_agent_needs_the_authorisation_and_the_applicants_id_copy(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    agent = Collector("agent", "李明", resident_id("620302", "19900101", "123"), card_read=True)
    with pytest.raises(RuleError) as err:
        hand_over(ctx, pickup, number, agent, PNG)
    assert {p.code for p in err.value.problems} == {"AGENT_NO_AUTHORISATION", "AGENT_NO_APPLICANT_ID"}
    from dataclasses import replace

    hand_over(ctx, pickup, number, replace(agent, authorisation_captured=True, applicant_id_copy=True), PNG)
    assert last_event(ctx, number)["data"]["mode"] == "agent"


def test_mailing_checks_the_tracking_number_and_lists_the_days_parcels(ctx, clerk) -> None:
    a, b = ready(ctx, clerk, 2)
    pickup = as_user(ctx, "pickup01")
    with pytest.raises(RuleError) as err:
        mail_certificate(ctx, pickup, a, Mailing("ems", "RR473124828CN", "永昌县城关镇北海子路12号", "13893512345"))
    assert err.value.code == "TRACKING_CHECK_DIGIT"
    mail_certificate(ctx, pickup, a, Mailing("ems", "RR 473124829 CN", "永昌县城关镇北海子路12号", "13893512345"))
    with pytest.raises(RuleError) as err:
        mail_certificate(ctx, pickup, b, Mailing("ems", "RR473124829CN", "同上", "13893512345"))
    assert err.value.code == "TRACKING_USED"
    mail_certificate(ctx, pickup, b, Mailing("sf", "SF1234567890123", "金昌市金川区", "0935-7521234"))
    assert case_detail(ctx, pickup, a).state == "mailed"
    assert last_event(ctx, a)["data"]["tracking_no"] == "RR473124829CN"
    listing = issue_mailing_list(ctx, pickup).value
    from app.usecases.documents import document_for_print

    snap = document_for_print(ctx, pickup, listing.id).snapshot
    assert [m.tracking_no for m in snap.mailing] == ["RR473124829CN", "SF1234567890123"]
    assert all("13893512345" not in m.phone_masked for m in snap.mailing)


def test_a_spoiled_blank_is_recorded_with_serial_and_reason(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    with pytest.raises(RuleError) as err:
        spoil_blank(ctx, pickup, number, "", "")
    assert {p.code for p in err.value.problems} == {"BLANK_NO_SERIAL", "BLANK_NO_REASON"}
    assert spoil_blank(ctx, pickup, number, "No.0012345", "卡纸，套印错位").value == "No.0012345"


def test_a_misread_barcode_is_caught_by_the_check_character(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    typo = number[:-3] + ("1" if number[-3] != "1" else "2") + number[-2:]
    with pytest.raises(RuleError) as err:
        case_for_pickup(ctx, pickup, typo)
    assert err.value.code == "CASE_NUMBER_CHECK"
