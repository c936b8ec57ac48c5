"""The pick-up desk's rules through its use cases (issue 14): who may collect, the supervisor's
override, mailing with a checked tracking number, a spoiled blank, the courier's list, and what
the platform is told."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.documents import DocumentKind
from app.rules.case_number import make_case_number, number_prefix
from app.rules.handover import CardRead, Collector, Mailing
from app.rules.problems import RuleError
from app.storage.models import OutboxEvent
from app.usecases.documents import certificate_defaults, stored_snapshot
from app.usecases.mailing import issue_mailing_list, mail_certificate, mailed_list
from app.usecases.pickup import (
    Override,
    case_for_pickup,
    find_waiting,
    hand_over,
    handover_pages,
    platform_certificate,
    spoil_blank,
    store_handover_page,
    waiting_list,
)
from app.usecases.queries import case_detail
from app.usecases.scans import page_image
from app.usecases.sync_pull import CertificateInfo, DeliveryInfo, ProgressEntry, apply_progress
from devices.camera.folder import PICKUP_SAMPLES_DIR as SAMPLES
from tests.conftest import as_user
from tests.helpers import APPLICANT_ID, card_holder, resident_id
from tests.sync.support import ready_for_pickup, take_in

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
    me = card_holder("self", "张桂兰", APPLICANT_ID)
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


def test_a_card_read_then_typed_over_is_recorded_as_a_hand_check(ctx, clerk) -> None:
    """The reader's word counts only for the person it read: a clerk who reads one card and
    types the applicant's name and number over it has checked by hand, and the receipt says so."""
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    someone_else = CardRead("李小梅", resident_id("110101", "19900307", "002"), expired=True)
    typed_over = Collector("self", "张桂兰", APPLICANT_ID, card=someone_else)
    assert not typed_over.card_read and not typed_over.card_expired  # her card's expiry is not the applicant's
    hand_over(ctx, pickup, number, typed_over, PNG)
    snap = stored_snapshot(ctx, number, DocumentKind.HANDOVER_RECEIPT)
    assert snap.handover.identity_method == "人工核验居民身份证"
    assert last_event(ctx, number)["data"]["identity_method"] == "人工核验居民身份证"
    # The same number typed with a space or a small x is still the card read.
    assert Collector("self", "张桂兰", " " + APPLICANT_ID, card=CardRead("张桂兰", APPLICANT_ID)).card_read


def test_someone_else_is_stopped_and_a_supervisor_may_override_with_a_reason(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    stranger = card_holder("self", "王五", resident_id("620321", "19900101", "111"))
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
    agent_id = resident_id("620302", "19900101", "123")
    agent = card_holder("agent", "李明", agent_id)
    with pytest.raises(RuleError) as err:
        hand_over(ctx, pickup, number, agent, PNG)
    assert {p.code for p in err.value.problems} == {"AGENT_NO_AUTHORISATION", "AGENT_NO_APPLICANT_ID"}
    # The document camera's pages (F6), kept in the store before the hand-over links them.
    authorisation, id_copy = (SAMPLES / "page-1-authorisation.jpg").read_bytes(), (SAMPLES / "page-2-id-card-copy.jpg").read_bytes()
    a_sha = store_handover_page(ctx, pickup, authorisation).value
    c_sha = store_handover_page(ctx, pickup, id_copy).value
    with pytest.raises(RuleError) as err:  # the ID copy still missing
        hand_over(ctx, pickup, number, replace(agent, authorisation_pages=(a_sha,)), PNG)
    assert err.value.code == "AGENT_NO_APPLICANT_ID" and "F6" in err.value.message
    hand_over(ctx, pickup, number, replace(agent, authorisation_pages=(a_sha,), id_copy_pages=(c_sha,)), PNG)
    assert handover_pages(ctx, pickup, number) == [("authorisation", 1, a_sha), ("applicant_id_copy", 1, c_sha)]
    receipt = stored_snapshot(ctx, number, DocumentKind.HANDOVER_RECEIPT).handover
    assert receipt.identity_method.endswith("授权委托书1页、申请人身份证复印件1页已拍照留存")
    assert page_image(ctx, pickup, a_sha) == authorisation  # kept whole inside the (encrypted) store
    event = last_event(ctx, number)
    data = event["data"]
    assert data["mode"] == "agent" and data["authorisation_pages"] == [a_sha] and data["id_copy_pages"] == [c_sha]
    wire = json.dumps(event, ensure_ascii=False)
    assert agent_id not in wire and agent_id[6:14] not in wire  # the agent's number only masked
    assert base64.b64encode(authorisation[:300]).decode()[:40] not in wire and len(wire) < 4000  # no image


def test_a_page_lost_before_it_was_kept_stops_the_hand_over(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    agent = card_holder("agent", "李明", resident_id("620302", "19900101", "123"),
                      authorisation_pages=("0" * 64,), id_copy_pages=("1" * 64,))
    with pytest.raises(RuleError) as err:
        hand_over(ctx, pickup, number, agent, PNG)
    assert err.value.code == "SCAN_MISSING"
    assert case_detail(ctx, pickup, number).state == "awaiting_pickup"


def test_without_the_authorisation_only_a_supervisor_lets_an_agent_collect(ctx, clerk) -> None:
    [number] = ready(ctx, clerk)
    pickup = as_user(ctx, "pickup01")
    agent = card_holder("agent", "李明", resident_id("620302", "19900101", "123"))
    hand_over(ctx, pickup, number, agent, PNG, override=Override(as_user(ctx, "super01"), "委托书原件在途，已电话核实申请人"))
    assert last_event(ctx, number)["data"]["override_by"] == "super01"
    assert handover_pages(ctx, pickup, number) == []


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


def _delivered(number: str, tracking: str, pid: str) -> ProgressEntry:
    return ProgressEntry(number, "delivered", datetime(2026, 12, 6, 15, 20), "快递妥投", pid,
                         delivery=DeliveryInfo(tracking, "本人"))


def test_a_mailed_certificate_is_served_only_when_the_platform_confirms_delivery(ctx, clerk, clock) -> None:
    a, b = ready(ctx, clerk, 2)
    pickup = as_user(ctx, "pickup01")
    mail_certificate(ctx, pickup, a, Mailing("ems", "RR473124829CN", "永昌县城关镇北海子路12号", "13893512345"))
    mail_certificate(ctx, pickup, b, Mailing("sf", "SF1234567890123", "金昌市金川区", "0935-7521234"))
    out = mailed_list(ctx, pickup)
    assert [m.number for m in out] == [a, b] and not any(m.delivered or m.overdue for m in out)
    # 第四十四条, in working days (第八十二条): decided Friday 20 November → served by Friday 4 December.
    assert out[0].decided_on == date(2026, 11, 20) and out[0].serve_by == date(2026, 12, 4)
    clock.set(2026, 12, 4, 16, 0)
    assert not any(m.overdue for m in mailed_list(ctx, pickup))
    clock.set(2026, 12, 7, 9, 0)  # the next Monday: both still out are overdue
    assert all(m.overdue for m in mailed_list(ctx, pickup))
    summary = apply_progress(ctx, [_delivered(a, "RR473124829CN", "d-a")], "c1").value
    assert summary.moved == 1
    assert case_detail(ctx, pickup, a).state == "delivered" and case_detail(ctx, pickup, a).state_label == "已送达"
    again = apply_progress(ctx, [_delivered(a, "RR473124829CN", "d-a")], "c1").value  # a replayed page
    assert again.moved == 0 and again.already == 1
    out = mailed_list(ctx, pickup)
    assert [(m.number, m.delivered, m.overdue) for m in out] == [(b, False, True), (a, True, False)]
    assert out[1].delivered_at == datetime(2026, 12, 6, 15, 20) and out[1].delivered_to == "本人"
    with pytest.raises(RuleError) as err:  # only the platform confirms a delivery
        from app.case_states import Action
        from app.usecases.case_flow import check_step, load_case

        with ctx.unit_of_work(pickup) as uow:
            check_step(uow, load_case(uow.session, b), Action.CONFIRM_DELIVERY)
    assert err.value.code == "STEP_NOT_FOR_ACTOR"


CERT = CertificateInfo("620321202611200000123", "营业执照（个体工商户）", "11620321MB1957453A400011700100001", "person",
                       "张桂兰", "居民身份证", APPLICANT_ID, date(2026, 11, 20), date(2026, 11, 20), None,
                       date(2026, 11, 20), (("credit_code", "92620321MA7X3K1P5B"), ("scope", "日用百货零售")))


def test_the_platforms_certificate_fills_the_desk_and_the_receipt(ctx, clerk) -> None:
    [number] = take_in(ctx, clerk, 1)
    apply_progress(ctx, [ProgressEntry(number, "in_progress", progress_id="p1"),
                         ProgressEntry(number, "concluded_approved", progress_id="p2"),
                         ProgressEntry(number, "certificate_ready", progress_id="p3", certificate=CERT)], "c")
    pickup = as_user(ctx, "pickup01")
    cert = platform_certificate(ctx, pickup, number)
    assert cert.certificate_no == CERT.certificate_no and cert.fields["scope"] == "日用百货零售" and cert.valid_until is None
    values = certificate_defaults(ctx, pickup, number)
    assert values["certificate_no"] == CERT.certificate_no and values["credit_code"] == "92620321MA7X3K1P5B"
    hand_over(ctx, pickup, number, card_holder("self", "张桂兰", APPLICANT_ID), PNG)  # no number typed
    receipt = stored_snapshot(ctx, number, DocumentKind.HANDOVER_RECEIPT).handover
    assert receipt.certificate_no == CERT.certificate_no and receipt.certificate_name == "营业执照（个体工商户）"


def test_a_certificate_of_a_case_received_at_another_window_arrives_as_a_hall_copy(ctx) -> None:
    number = _foreign_number()
    entry = ProgressEntry(number, "certificate_ready", datetime(2026, 11, 20, 9, 0), "业务部门", "x1", certificate=CERT)
    assert apply_progress(ctx, [entry], "c").value.moved == 1
    assert apply_progress(ctx, [entry], "c").value.already == 1  # a replay adds no second copy
    pickup = as_user(ctx, "pickup01")
    assert [w.number for w in find_waiting(ctx, pickup, APPLICANT_ID)] == [number]
    d = case_detail(ctx, pickup, number)
    assert d.state == "awaiting_pickup" and d.applicant.name == "张桂兰"
    hand_over(ctx, pickup, number, card_holder("self", "张桂兰", APPLICANT_ID), PNG)
    assert last_event(ctx, number)["kind"] == "case.collect"
    with ctx.read() as s:  # the copy names no clerk of this terminal, and that account cannot log in
        from app.storage.models import Case, Clerk

        clerk_row = s.get(Clerk, s.scalars(select(Case.clerk_id).where(Case.number == number)).one())
        assert clerk_row.username == "platform" and not clerk_row.active
    with pytest.raises(RuleError):
        as_user(ctx, "platform")


def _foreign_number() -> str:
    """A valid case number of this area that this terminal never issued."""
    return make_case_number(number_prefix("620321", 2026), 9_000_001)
