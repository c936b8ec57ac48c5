"""Built-in sample data for every kind: for checking templates and calibration without a case
(`clerkdesk-admin render --sample KIND`). The applicant's name has rare characters (𠮷, 䶮),
the agency name is long, and the material list runs onto a second page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from app.documents import (
    CertificateField,
    DocumentKind,
    DocumentSnapshot,
    HandoverSnapshot,
    MailingLine,
    MaterialLine,
    PartySnapshot,
)
from app.rules.case_number import make_case_number, number_prefix
from printing.sample_signature import sample_signature

CASE = "62032120269000013"
_MATERIALS = (
    MaterialLine("个体工商户开业登记申请书（经营者签字）", "original", 2, 1),
    MaterialLine("经营者身份证明", "copy", 1, 1, reused_from_case="62032120269000005"),
    MaterialLine("经营场所使用证明（房屋租赁合同及出租方产权证明，租期一年以上，需载明房屋坐落、面积和用途）", "copy", 6, 1),
    MaterialLine("委托代理人身份证明及经营者签署的授权委托书", "original", 2, 1),
    MaterialLine("营业执照副本（原件）", "none", platform_verified=True),
    MaterialLine("从事食品经营的，提交食品经营许可相关材料", "none", tolerated=True, promise_date=date(2026, 12, 4)),
    *(MaterialLine(f"其他需要说明的补充材料之{n}（申请人自愿提交，用于说明经营情况）", "copy", 3, 1,
                   clerk_note="申请人自愿提交") for n in "一二三四五六七八九十"),
)


def _base(kind: DocumentKind, letter: str) -> DocumentSnapshot:
    return DocumentSnapshot(
        kind=kind, doc_number=f"永市监{letter}〔2026〕第00012号", case_number=CASE,
        issued_at=datetime(2026, 11, 23, 10, 5), issued_by="李晓燕",
        agency="永昌县市场监督管理局（永昌县知识产权局、永昌县食品药品安全委员会办公室）",
        hall_name="永昌县政务服务中心", window_no="综合受理3号窗", window_phone="0935-7521234",
        progress_url=f"https://zwfw.example.gov.cn/progress?case={CASE}",
        item_name="个体工商户设立登记", item_code="11620321MB1957453A400011700100001",
        applicant=PartySnapshot("person", "𠮷䶮明", "居民身份证", "620321198506122313", "13893512345",
                                "永昌县城关镇北海子路12号"),
        agent=PartySnapshot("person", "王秀英", "居民身份证", "620321199003150027", "13800000000"),
        received_on=date(2026, 11, 23), accepted_on=date(2026, 11, 23), acceptance_basis="decision",
        committed_limit_days=3, committed_due=date(2026, 11, 26), legal_due=date(2026, 12, 7),
        materials=_MATERIALS,
    )


def sample_snapshot(kind: DocumentKind) -> DocumentSnapshot:
    letters = {DocumentKind.ACCEPTANCE: "受", DocumentKind.REJECTION: "不受", DocumentKind.SUPPLEMENTATION: "补",
               DocumentKind.RECEIPT: "收", DocumentKind.TOLERANCE_COMMITMENT: "容", DocumentKind.CERTIFICATE: "证",
               DocumentKind.CALIBRATION: "校", DocumentKind.HANDOVER_RECEIPT: "领", DocumentKind.MAILING_LIST: "寄"}
    s = _base(kind, letters[kind])
    if kind == DocumentKind.REJECTION:
        return replace(s, accepted_on=None, reject_reason="申请事项依法不需要取得行政许可（经营者仅从事网络零售，依法无需办理登记）",
                       competent_agency="", remedy="申请人如对本决定不服，可以自收到本通知之日起六十日内向永昌县人民政府申请行政复议，"
                                                     "或者在六个月内向永昌县人民法院提起行政诉讼。")
    if kind == DocumentKind.SUPPLEMENTATION:
        wanted = (replace(_MATERIALS[2], problem="incorrect", problem_note="租赁合同未载明房屋用途，请补充出租方签字确认的用途说明"),
                  replace(_MATERIALS[3], provided="none", problem="missing", problem_note="请提交经营者亲笔签署的授权委托书原件"))
        return replace(s, accepted_on=None, supplement_due=date(2026, 12, 4), materials=_MATERIALS[:2] + wanted)
    if kind == DocumentKind.CERTIFICATE:
        fields = (("credit_code", "统一社会信用代码", "92620321MA7X3K1P5B"), ("certificate_no", "证照编号", "620321000202611230012"),
                  ("holder_name", "名称", "永昌县𠮷䶮明百货便利店"), ("business_type", "类型", "个体工商户"),
                  ("operator", "经营者", "𠮷䶮明"), ("premises", "经营场所", "甘肃省金昌市永昌县城关镇北海子路12号商住楼一层东侧第三间"),
                  ("scope", "经营范围", "日用百货、文具用品、预包装食品（不含冷藏冷冻食品）销售；烟草制品零售（凭许可证经营）"),
                  ("registered_on", "注册日期", "2026年11月23日"), ("issued_on", "发证日期", "2026年11月23日"))
        return replace(s, certificate_type="business-licence-individual",
                       certificate_fields=tuple(CertificateField(k, label, v) for k, label, v in fields))
    if kind == DocumentKind.HANDOVER_RECEIPT:
        return replace(s, issued_at=datetime(2026, 11, 27, 14, 32), issued_by="赵敏", window_no="发证1号窗",
                       handover=sample_handover())
    if kind == DocumentKind.MAILING_LIST:
        return replace(s, case_number="", progress_url="", issued_at=datetime(2026, 11, 27, 16, 30), issued_by="赵敏",
                       window_no="发证1号窗", doc_number="永政服寄〔2026〕第1127号", mailing=sample_mailing(18))
    return s


def sample_handover(mode: str = "agent") -> HandoverSnapshot:
    """The licence collected by the agent, card read, with the authorisation kept; or mailed (mode "mail")."""
    png_b64, sha = sample_signature()
    common = {"certificate_name": "营业执照（个体工商户）", "certificate_no": "620321000202611230012",
              "blank_serial": "GT2026-0047312"}
    if mode == "mail":
        return HandoverSnapshot("mail", collector_name="𠮷䶮明", identity_method="邮寄送达（申请人申请）", courier="中国邮政EMS",
                                tracking_no="1171234567804", address="甘肃省金昌市永昌县城关镇北海子路12号",
                                phone_masked="138****2345", **common)
    who = {"self": ("𠮷䶮明", "620321********2313", "居民身份证读卡核验，人证一致"),
           "agent": ("王秀英", "620321********0027", "代理人居民身份证读卡核验；授权委托书及申请人身份证复印件已留存"),
           "organisation": ("张桂兰", "620321********1546", "经办人居民身份证读卡核验；单位介绍信已留存")}[mode]
    return HandoverSnapshot(mode, collector_name=who[0], collector_id_masked=who[1], identity_method=who[2],
                            signature_png_b64=png_b64, signature_sha256=sha, **common)


_NAMES = ("张桂兰", "李建国", "王秀英", "赵志刚", "刘海燕", "陈明", "杨淑芬", "马福祥", "𠮷䶮明", "周晓东", "孙丽娟", "朱永福")
_STREETS = ("城关镇北海子路12号", "河西堡镇化工路8号院3单元", "朱王堡镇朱王堡村二社", "东寨镇东寨村四社46号",
            "金川区北京路新华小区17号楼2单元501室", "城关镇金川东路188号商住楼一层东侧第三间门面房")
_ITEMS = ("个体工商户设立登记", "食品经营许可", "道路运输经营许可", "建筑业企业资质核准", "药品零售许可")


def _ems(serial: int) -> str:
    """A made-up 13-digit domestic EMS-style number (last digit an illustrative check digit, not a real courier rule)."""
    body = f"11712{serial:07d}"
    check = sum(int(d) * w for d, w in zip(body, (3, 1) * 6, strict=True)) % 10
    return body + str((10 - check) % 10)


def sample_mailing(n: int) -> tuple[MailingLine, ...]:
    """`n` items for one collection, mostly EMS (the government-mail service), some SF."""
    out = []
    for i in range(n):
        sf = i % 5 == 3
        case = make_case_number(number_prefix("620321", 2026), 9000020 + i)
        phone = f"13{(i * 7) % 10}****{(2345 + i * 1117) % 10000:04d}"
        out.append(MailingLine(case, _NAMES[i % len(_NAMES)], "甘肃省金昌市" + ("" if i % 6 == 4 else "永昌县")
                               + _STREETS[i % len(_STREETS)], phone, "顺丰速运" if sf else "中国邮政EMS",
                               f"SF{1460000000000 + i * 7919:013d}" if sf else _ems(34560 + i), _ITEMS[i % len(_ITEMS)]))
    return tuple(out)
