"""Free text the clerk types: one table of length limits, and the characters no field may hold.

Pure functions, no I/O. The form checks (use cases), the admin commands and the platform
contract use the same numbers: sync/contract/ cannot import app/, so it copies them and
tests/test_text_limits.py holds the two equal.

A limit counts characters (code points) of the text as it will be stored — trimmed, so a
trailing space never makes a field too long. Refused characters are named in the message
("姓名中含有不可见字符 U+200B（零宽空格），请删除后重新输入"): the clerk cannot see them, so
"不能含有“”" would tell her nothing.

Also here, because lists and logs need them and they are pure text functions: masking of ID
numbers and phone numbers (`mask_id_number`, `mask_personal_data`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from stdnum import damm

from app.rules.problems import Problem

__all__ = [
    "LIMITS",
    "MAX_CORRECTIONS",
    "MAX_MATERIALS",
    "TextLimit",
    "bad_character",
    "character_problem",
    "check_text",
    "describe_character",
    "mask_id_number",
    "mask_personal_data",
    "mask_phone",
]


@dataclass(frozen=True)
class TextLimit:
    label: str  # how the messages call the field, e.g. 姓名
    max_len: int  # characters, after trimming
    multiline: bool = False  # line breaks allowed (a reason, a note typed in a text box)


# The one table. Keys are what the rules and the tests call each field; sync/contract/events.py
# carries the same numbers as max_length on the event models.
LIMITS: dict[str, TextLimit] = {
    # parties (applicant, agent)
    "person_name": TextLimit("姓名", 50),
    "org_name": TextLimit("单位名称", 100),
    "legal_rep": TextLimit("法定代表人姓名", 50),
    "id_type": TextLimit("证件类型", 20),
    "id_number": TextLimit("证件号码", 40),
    "phone": TextLimit("联系电话", 30),
    "address": TextLimit("地址", 200),
    # intake
    "authorisation": TextLimit("授权委托书内容", 500, multiline=True),
    "material_name": TextLimit("材料名称", 200),
    "reused_from_case": TextLimit("复用材料的办件编号", 32),
    "clerk_note": TextLimit("材料备注", 200, multiline=True),
    "problem_note": TextLimit("材料需补正的说明", 300, multiline=True),
    # decisions and later steps
    "decision_note": TextLimit("办理说明", 500, multiline=True),
    "reject_reason": TextLimit("不予受理理由", 1000, multiline=True),
    "competent_agency": TextLimit("有关行政机关名称", 100),
    "withdraw_reason": TextLimit("撤回原因", 500, multiline=True),
    "correction_field": TextLimit("更正项目", 50),
    "correction_before": TextLimit("更正前内容", 200),
    "correction_after": TextLimit("更正后内容", 200),
    "procedure": TextLimit("特别程序名称", 40),
    # what the clerk types to find a case (办件编号 are 18 digits; grouped forms are longer)
    "case_number": TextLimit("办件编号", 32),
}

MAX_MATERIALS = 100  # material lines on one case round (a catalog item has far fewer)
MAX_CORRECTIONS = 10  # corrections recorded in one 当场更正


# --------------------------------------------------------------------------
# Characters no field may hold
# --------------------------------------------------------------------------

_NAMES = {
    0x0000: "空字符",
    0x0007: "响铃符",
    0x0008: "退格符",
    0x0009: "制表符",
    0x000A: "换行符",
    0x000B: "垂直制表符",
    0x000C: "换页符",
    0x000D: "回车符",
    0x001B: "转义符",
    0x007F: "删除符",
    0x0085: "下一行符",
    0x00AD: "软连字符",
    0x061C: "阿拉伯字母标记",
    0x180E: "蒙古文元音分隔符",
    0x200B: "零宽空格",
    0x200C: "零宽不连字",
    0x200D: "零宽连字",
    0x200E: "从左至右标记",
    0x200F: "从右至左标记",
    0x2028: "行分隔符",
    0x2029: "段分隔符",
    0x202A: "从左至右嵌入",
    0x202B: "从右至左嵌入",
    0x202C: "方向格式结束",
    0x202D: "从左至右强制",
    0x202E: "从右至左强制",
    0x2060: "字连接符",
    0x2066: "从左至右隔离",
    0x2067: "从右至左隔离",
    0x2068: "首强字符隔离",
    0x2069: "方向隔离结束",
    0xFEFF: "零宽不换行空格/字节顺序标记",
    0xFFFC: "对象替换符",
    0xFFFD: "替换符（原字符已损坏）",
}
_KIND_INVISIBLE, _KIND_CONTROL, _KIND_BROKEN = "不可见字符", "控制字符", "无效字符"
_CODES = {_KIND_INVISIBLE: "TEXT_INVISIBLE_CHAR", _KIND_CONTROL: "TEXT_CONTROL_CHAR", _KIND_BROKEN: "TEXT_BROKEN_CHAR"}


def _kind(c: str, multiline: bool) -> str | None:
    """Why `c` may not be stored, or None if it may."""
    if c == "\n" and multiline:
        return None
    cp = ord(c)
    if 0xD800 <= cp <= 0xDFFF:  # a lone surrogate: half of a character, cannot even be saved as UTF-8
        return _KIND_BROKEN
    if (0xFDD0 <= cp <= 0xFDEF) or (cp & 0xFFFE) == 0xFFFE or cp in (0xFFFC, 0xFFFD):
        return _KIND_BROKEN  # noncharacters, and what a broken conversion leaves behind
    cat = unicodedata.category(c)
    if cat == "Cc":
        return _KIND_CONTROL
    if cat in ("Cf", "Zl", "Zp"):  # zero-width, bidi controls, BOM, soft hyphen, line separators
        return _KIND_INVISIBLE
    return None


def bad_character(text: str, multiline: bool = False) -> str | None:
    """The first character `text` may not hold, or None."""
    if text.isascii() and text.isprintable():  # the usual case, decided in C
        return None
    return _first_bad(text, multiline)


@lru_cache(maxsize=4096)
def _first_bad(text: str, multiline: bool) -> str | None:
    # Cached: the same Chinese texts (the catalog's material names, the hall's address) come
    # with every intake, and are checked a character at a time.
    for c in text:
        if _kind(c, multiline) is not None:
            return c
    return None


def describe_character(c: str) -> str:
    """"U+200B（零宽空格）": the code point, then a name the clerk can look up or tell support."""
    cp = ord(c)
    name = _NAMES.get(cp)
    if name is None:
        if 0xD800 <= cp <= 0xDFFF:
            name = "孤立的代理项，多为复制粘贴时损坏的字符"
        else:
            name = unicodedata.name(c, "") or "控制字符"
    return f"U+{cp:04X}（{name}）"


def character_problem(text: str, label: str, field: str = "", multiline: bool = False) -> Problem | None:
    c = bad_character(text, multiline)
    if c is None:
        return None
    kind = _kind(c, multiline) or _KIND_INVISIBLE
    return Problem(_CODES[kind], f"{label}中含有{kind} {describe_character(c)}，请删除后重新输入。", field)


def check_text(key: str, value: str, field: str = "", label: str = "") -> list[Problem]:
    """Refuse characters that may not be stored, then text longer than the table allows.
    `value` is checked as it will be stored (the caller trims first, as it saves)."""
    limit = LIMITS[key]
    label = label or limit.label
    bad = character_problem(value, label, field or key, limit.multiline)
    if bad is not None:
        return [bad]
    if len(value) > limit.max_len:
        return [Problem("TEXT_TOO_LONG", f"{label}最多{limit.max_len}个字，现在是{len(value)}个字，请删减后重新输入。",
                        field or key)]
    return []


# --------------------------------------------------------------------------
# Masking: ID numbers and phones shown only where the task needs them
# --------------------------------------------------------------------------


def mask_id_number(number: str) -> str:
    """620321********2313: region and last four, enough to tell two people apart at the
    counter, not enough to use. 15-digit numbers alike; short numbers keep only their ends."""
    n = len(number)
    if n >= 15:
        return number[:6] + "*" * (n - 10) + number[-4:]
    if n >= 6:
        return number[:2] + "*" * (n - 4) + number[-2:]
    return "*" * n


def mask_phone(phone: str) -> str:
    """138****5678; a landline 0935-***1234 (area code and last four kept)."""
    masked = mask_personal_data(phone)
    if masked != phone or len(phone) < 8:
        return masked
    return phone[:-8] + "****" + phone[-4:]


_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])((?:\+|00)?86[- ]?)?(1[3-9]\d)([- ]?)(\d{4})([- ]?)(\d{4})(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z-])(0\d{2,3})-([2-9]\d{2,3})(\d{4})(?![0-9A-Za-z-])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_checksum_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _mask_id18(m: re.Match[str]) -> str:
    number = m.group(0)
    # Our case numbers are 18 digits too (Damm check digit): keep them readable in the log,
    # unless the number is also a valid ID number — then privacy wins.
    if number.isdigit() and damm.is_valid(number) and not _id_checksum_ok(number):
        return number
    return mask_id_number(number)


def mask_personal_data(text: str) -> str:
    """Every ID number (18 or 15 digits) and phone number in free text masked: for logs and
    for lists that show text from elsewhere (a platform's refusal reason)."""
    if not any(c.isdigit() for c in text):
        return text
    text = _ID18.sub(_mask_id18, text)
    text = _ID15.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}{m.group(3)}****{m.group(5)}{m.group(6)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-{'*' * len(m.group(2))}{m.group(3)}", text)
