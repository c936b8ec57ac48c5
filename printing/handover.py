"""The pick-up desk's receipt (issue 14): 证照领取回执, or 邮寄送达回执 when the certificate was mailed.

The same page as the agency's notices (printing/layout.py: case barcode and progress QR, bold
title, 文号, the agency's name and date under room for its seal) with what the hall must be able
to show later: which certificate (name, number, the blank's own serial), who took it and how,
how their identity was checked, a supervisor's override with its reason, the time, the clerk and
window that handed it over, and the collector's signature as drawn on the pad. Mailed: the
courier, the tracking number (printed and as a Code 128 barcode), the address and phone instead
of a signature.

An ID number or phone is printed masked only, even if a caller passes it whole: the receipt goes
home with the collector.
"""

from __future__ import annotations

import base64
import io
import re
from functools import cache

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from app.documents import DOCUMENT_TITLES, DocumentKind, DocumentSnapshot, HandoverSnapshot
from printing.closing import closing, draw_blank, seal_block, short_agency
from printing.codes import draw_code128
from printing.layout import (
    BODY,
    GREY,
    NUMBER,
    PLAIN,
    TEXT_W,
    TITLE,
    Item,
    Pen,
    cn_date,
    facts,
    keep_with_next,
    para,
    space,
    text_baseline,
)
from printing.notices import masked_id, party_line

MODES = {"self": "本人领取", "agent": "代理人领取", "organisation": "单位经办人领取", "mail": "邮寄送达"}
MAIL_TITLE = "邮寄送达回执"
SIGNATURE_W, SIGNATURE_H = 60 * mm, 22 * mm  # the box the collector's signature is fitted into
TRACKING_W, TRACKING_H = 62 * mm, 11 * mm


def safe_id(number: str) -> str:
    """A masked ID number as given; a whole one (no *) is masked here (birth date hidden)."""
    number = number.strip()
    return number if "*" in number else masked_id(number)


def safe_phone(phone: str) -> str:
    """A masked phone as given; a whole one keeps its first three and last four digits."""
    phone = phone.strip()
    digits = re.sub(r"\D", "", phone)
    if "*" in phone or len(digits) < 7:
        return phone
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def cn_time(s: DocumentSnapshot) -> str:
    return f"{cn_date(s.issued_at.date())} {s.issued_at:%H:%M}"


def title_of(s: DocumentSnapshot) -> str:
    h = s.handover
    return MAIL_TITLE if h is not None and h.mode == "mail" else DOCUMENT_TITLES[DocumentKind.HANDOVER_RECEIPT]


@cache
def signature_image(png_b64: str) -> ImageReader | None:
    """The collector's signature ready to draw; None when there is none or it is not a readable image
    (the receipt then carries a line to sign by hand instead)."""
    if not png_b64.strip():
        return None
    try:
        image = ImageReader(io.BytesIO(base64.b64decode(png_b64, validate=True)))
        w, h = image.getSize()
        image.getRGBData()  # decoded now: a truncated file is found here, not halfway through the page
    except Exception:  # not base64, not an image, truncated, too large (PIL's decompression-bomb guard)
        return None
    return image if w > 0 and h > 0 else None


def _certificate_rows(s: DocumentSnapshot, h: HandoverSnapshot) -> list[tuple[str, str]]:
    rows = [("办件编号", s.case_number), ("申请事项", f"{s.item_name}（{s.item_code}）" if s.item_code else s.item_name),
            ("申请人", party_line(s.applicant)), ("证照名称", h.certificate_name or "—"), ("证照编号", h.certificate_no or "—")]
    if h.blank_serial:
        rows.append(("空白证照编号", h.blank_serial))
    return rows


def _override_rows(h: HandoverSnapshot) -> list[tuple[str, str]]:
    if not h.override_by:
        return []
    reason = f"：{h.override_reason}" if h.override_reason else ""
    return [("主管核准", f"{h.override_by}{reason}")]


def _clerk(s: DocumentSnapshot) -> str:
    return f"{s.issued_by}（{s.window_no}）" if s.window_no else s.issued_by


def _collector_rows(s: DocumentSnapshot, h: HandoverSnapshot) -> list[tuple[str, str]]:
    rows = [("领取方式", MODES.get(h.mode, h.mode)), ("领取人", h.collector_name or "—"),
            ("领取人证件号码", safe_id(h.collector_id_masked) or "—"), ("身份核验方式", h.identity_method or "—"),
            *_override_rows(h), ("领取时间", cn_time(s))]  # the clerk and window sign off below
    return rows


def _mail_rows(s: DocumentSnapshot, h: HandoverSnapshot) -> list[tuple[str, str]]:
    return [("收件人", h.collector_name or s.applicant.name), ("收件地址", h.address or "—"),
            ("联系电话", safe_phone(h.phone_masked) or "—"), ("快递公司", h.courier or "—"), ("快递单号", h.tracking_no or "—"),
            *_override_rows(h), ("交寄时间", cn_time(s))]


def _tracking_code(tracking_no: str) -> list[Item]:
    """The tracking number as a Code 128 barcode, centred, its number under it."""
    height = TRACKING_H + 7 * mm

    def draw(p: Pen, x: float, top: float) -> None:
        left = x + (TEXT_W - TRACKING_W) / 2
        draw_code128(p.c, left, top - TRACKING_H - 1 * mm, tracking_no, TRACKING_W, TRACKING_H)
        p.text(x + TEXT_W / 2, top - TRACKING_H - 5.5 * mm, f"快递单号 {tracking_no}", 9.5, "center")

    return [*space(2 * mm), Item(height, draw)]


def _signature(h: HandoverSnapshot, s: DocumentSnapshot) -> list[Item]:
    """领取人签字: the signature drawn on the pad, fitted into its box on a ruled line; or the line alone."""
    image = signature_image(h.signature_png_b64)
    label = "领取人签字："
    size = PLAIN.size
    if image is None:
        def blank(p: Pen, x: float, top: float) -> None:
            draw_blank(p, x, text_baseline(top - 6 * mm, PLAIN), [(label, 46), (f"  时间：{cn_time(s)}", 0)], size)

        return [Item(PLAIN.leading * 1.3 + 6 * mm, blank)]

    height = SIGNATURE_H + 9 * mm

    def draw(p: Pen, x: float, top: float) -> None:
        base = top - 2 * mm - SIGNATURE_H  # the signature stands on the line, like ink on paper
        w = p.text(x, base + 1.5, label, size)
        iw, ih = image.getSize()
        scale = min(SIGNATURE_W / iw, SIGNATURE_H / ih)
        dw, dh = iw * scale, ih * scale
        p.c.drawImage(image, x + w + 2 * mm, base, dw, dh, mask="auto")
        p.rule(x + w, base - 1, x + w + SIGNATURE_W + 4 * mm, base - 1, 0.5)
        p.text(x + w + SIGNATURE_W + 8 * mm, base + 1.5, f"签字时间：{cn_time(s)}", 10.5)
        if h.signature_sha256:
            p.text(x + w, base - 5 * mm, f"电子签名校验码（SHA-256）{h.signature_sha256[:16]}…", 8, colour=GREY)

    return [Item(height, draw)]


def handover_story(s: DocumentSnapshot) -> list[Item]:
    h = s.handover or HandoverSnapshot(mode="self")
    head = [*para(title_of(s), TITLE), *para(s.doc_number, NUMBER)] if s.doc_number else [*para(title_of(s), TITLE),
                                                                                           *space(6)]
    if h.mode == "mail":
        body = [
            *space(4),
            *facts([*_certificate_rows(s, h), *_mail_rows(s, h)], label_mm=32),
            *(_tracking_code(h.tracking_no) if h.tracking_no else []),
            *space(4),
            *para(f"上述证照已交{h.courier or '快递企业'}邮寄送达，收件人签收之日为送达之日。"
                  f"收到后请核对证照内容，如有疑问请致电 {s.window_phone}。", BODY),
        ]
        left = [[(f"经办人：{_clerk(s)}", 0)]]
        return [*keep_with_next(head), *closing(body, seal_block(short_agency(s.agency), s.issued_at.date(), left))]
    statement = {"self": "本人已当面领取上述证照，经核对证照内容无误。",
                 "agent": "本人受申请人委托，凭授权委托书代为领取上述证照，经核对证照内容无误。",
                 "organisation": "本人受单位委托，凭单位授权委托书领取上述证照，经核对证照内容无误。"}.get(h.mode, "")
    body = [
        *space(4),
        *facts([*_certificate_rows(s, h), *_collector_rows(s, h)], label_mm=32),
        *space(6),
        *para(statement, BODY),
        *space(2),
        *_signature(h, s),
    ]
    left = [[(f"发证人：{_clerk(s)}", 0)]]
    return [*keep_with_next(head), *closing(body, seal_block(short_agency(s.agency), s.issued_at.date(), left))]
