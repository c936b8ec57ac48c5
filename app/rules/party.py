"""Applicant and agent validation: natural person or organisation, on top of identity.py."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from app.rules.identity import check_credit_code, check_person_name, check_phone, check_resident_id
from app.rules.problems import Problem
from app.rules.text import check_text

RESIDENT_ID = "居民身份证"
CREDIT_CODE = "统一社会信用代码"
# Other documents are checked for presence only: their formats vary by issuing authority.
OTHER_ID_TYPES = ("港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证", "护照")
PERSON_ID_TYPES = (RESIDENT_ID, *OTHER_ID_TYPES)


@dataclass(frozen=True)
class PartyInput:
    kind: str  # person | organisation
    name: str
    id_type: str = RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    address: str = ""
    legal_rep: str = ""


@dataclass(frozen=True)
class PartyCheck:
    party: PartyInput  # normalised
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def _prefixed(problems: tuple[Problem, ...], who: str, field_prefix: str) -> list[Problem]:
    return [Problem(p.code, f"{who}：{p.message}", f"{field_prefix}{p.field or ''}") for p in problems]


def check_party(p: PartyInput, today: date, who: str = "申请人", field_prefix: str = "applicant.") -> PartyCheck:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    out = p
    if p.kind == "person":
        name = check_person_name(p.name)
        problems += _prefixed(name.problems, who, field_prefix)
        out = replace(out, name=name.value, id_type=p.id_type or RESIDENT_ID)
        id_type_text = check_text("id_type", out.id_type, "id_type")
        if id_type_text:  # never echo an invisible or endless type back in "不支持"
            problems += _prefixed(tuple(id_type_text), who, field_prefix)
        elif out.id_type == RESIDENT_ID:
            idc = check_resident_id(p.id_number, today)
            problems += _prefixed(idc.problems, who, field_prefix)
            warnings += _prefixed(idc.warnings, who, field_prefix)
            out = replace(out, id_number=idc.value)
        elif out.id_type in OTHER_ID_TYPES:
            number = "".join(p.id_number.split()).upper()
            number_text = check_text("id_number", number, "id_number")
            if number_text:
                problems += _prefixed(tuple(number_text), who, field_prefix)
            elif len(number) < 5:
                problems.append(Problem("ID_OTHER_FORMAT", f"{who}：请输入完整的{out.id_type}号码。", f"{field_prefix}id_number"))
            out = replace(out, id_number=number)
        else:
            problems.append(Problem("ID_TYPE_UNKNOWN", f"{who}：证件类型“{p.id_type}”不支持。", f"{field_prefix}id_type"))
        problems += _prefixed(tuple(check_text("legal_rep", p.legal_rep.strip(), "legal_rep")), who, field_prefix)
    elif p.kind == "organisation":
        org_name = check_text("org_name", p.name.strip(), "name")
        if org_name:
            problems += _prefixed(tuple(org_name), who, field_prefix)
        elif len(p.name.strip()) < 2:
            problems.append(Problem("ORG_NAME", f"{who}：请输入单位全称。", f"{field_prefix}name"))
        code = check_credit_code(p.id_number)
        problems += _prefixed(code.problems, who, field_prefix)
        rep = check_person_name(p.legal_rep)
        problems += [Problem(x.code, f"{who}法定代表人：{x.message}", f"{field_prefix}legal_rep") for x in rep.problems]
        out = replace(out, name=p.name.strip(), id_type=CREDIT_CODE, id_number=code.value, legal_rep=rep.value)
    else:
        problems.append(Problem("PARTY_KIND", f"{who}：请选择自然人或法人/其他组织。"))
    if p.phone.strip():
        ph = check_phone(p.phone)
        problems += _prefixed(ph.problems, who, field_prefix)
        out = replace(out, phone=ph.value)
    elif who == "申请人":
        problems.append(Problem("PHONE_MISSING", f"{who}：请填写联系电话，用于告知办理进度。", f"{field_prefix}phone"))
    problems += _prefixed(tuple(check_text("address", p.address.strip(), "address")), who, field_prefix)
    return PartyCheck(replace(out, address=p.address.strip()), tuple(problems), tuple(warnings))
