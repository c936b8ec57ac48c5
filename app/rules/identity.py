"""Checks for the identity fields a clerk types in: ID number, credit code, phone, name.

Pure functions: no I/O, no clock (``today`` is passed in). Each returns an
``IdCheck``: ``problems`` refuse the input, ``warnings`` only inform the clerk.
``value`` is the normalised text whenever anything was typed (so the form can
show what was read), '' for blank input; use ``ok`` to decide acceptance.

Checksums and formats come from python-stdnum. Its ``validate`` functions are
not used as the gate because they refuse valid numbers (see ``_region_known``
and ``check_credit_code``); we call its building blocks and add our own rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from app.rules.problems import Problem
from app.rules.text import LIMITS, character_problem

__all__ = [
    "IdCheck",
    "check_credit_code",
    "check_person_name",
    "check_phone",
    "check_resident_id",
    "normalise_code_text",
]


@dataclass(frozen=True)
class IdCheck:
    value: str  # normalised form ('' if nothing was typed)
    problems: tuple[Problem, ...]  # errors: refuse
    warnings: tuple[Problem, ...]  # at most warn, never refuse
    birth_date: date | None = None
    gender: str = ""  # "男"/"女" for resident IDs

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

# Full-width ASCII (U+FF01..U+FF5E) is what a Chinese IME produces in full-width
# mode; it maps 1:1 onto ASCII by a fixed offset. Not NFKC: that would also turn
# ① or ² into digits, which should stay a visible error.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
# Dashes people paste from Word/WeChat, removed like '-'.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"
# Invisible characters that come with copy-paste and are not str.isspace().
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise_code_text(raw: str) -> str:
    """Full-width -> half-width, drop whitespace/hyphens, upper-case ASCII letters."""
    text = (raw or "").translate(_FULLWIDTH)
    text = "".join(c for c in text if not c.isspace() and c not in _DASHES and c not in _INVISIBLE)
    # Only ASCII letters: str.upper() would turn e.g. 'ı' into 'I' and hide a typo.
    return text.translate(_ASCII_UPPER)


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() alone accepts '٣' or '²'.
    return text.isascii() and text.isdigit()


# --------------------------------------------------------------------------
# 居民身份证号码 (GB 11643-1999)
# --------------------------------------------------------------------------

_ID_FIELD = "id_number"

# Province-level codes (GB/T 2260). 71 台湾, 81 香港, 82 澳门 are in the table;
# 83 is only used by 台湾居民居住证 (830000).
PROVINCE_CODES = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83"),
    }
)
# 港澳台居民居住证 use exactly these address codes; stdnum lacks 830000 and
# dates 810000/820000 from 1997/1999, so it refuses most real holders.
_RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})
_EARLIEST_BIRTH = date(1890, 1, 1)


def _id_problem(code: str, message: str) -> Problem:
    return Problem(code, message, _ID_FIELD)


@lru_cache(maxsize=8192)  # ~3,500 county codes; stdnum walks its table text on each lookup
def _region_known(region: str) -> bool:
    """Is the 6-digit address code in stdnum's table (any period)?

    Not ric.get_birth_place(): it raises KeyError (not a ValidationError) when
    the province is known but the county is not, and refuses codes created
    after the birth year, yet codes are assigned where one registers, at any
    age (someone born 1950 in 东莞 has 441900, created 1988).
    """
    if region in _RESIDENCE_PERMIT_CODES:
        return True
    try:
        parts = numdb.get("cn/loc").info(region)
    except Exception:  # noqa: BLE001 - a broken table must not refuse anyone
        return False
    info = {k: v for _part, props in parts for k, v in props.items()}
    return "county" in info


def check_resident_id(raw: str, today: date) -> IdCheck:
    """Check an 18-digit 居民身份证号码 (also 居住证 and 2023 外国人永久居留身份证)."""
    number = normalise_code_text(raw)
    if not number:
        return IdCheck("", (_id_problem("ID_EMPTY", "未填写身份证号码，请输入18位居民身份证号码。"),), ())
    if len(number) == 15 and _is_ascii_digits(number):
        msg = "这是15位的第一代身份证号码，已经停止使用，请提供18位的第二代居民身份证号码。"
        return IdCheck(number, (_id_problem("ID_15_DIGIT", msg),), ())
    if len(number) != 18:
        msg = f"身份证号码应为18位，现在是{len(number)}位，请核对。"
        return IdCheck(number, (_id_problem("ID_FORMAT", msg),), ())
    if not _is_ascii_digits(number[:17]) or not (_is_ascii_digits(number[17]) or number[17] == "X"):
        msg = "身份证号码前17位只能是数字，最后一位只能是数字或字母X，请核对。"
        return IdCheck(number, (_id_problem("ID_FORMAT", msg),), ())

    # From here every check runs on its own so the clerk sees all that is wrong,
    # and none of them depends on the region table.
    problems: list[Problem] = []
    warnings: list[Problem] = []

    if number[17] != ric.calc_check_digit(number):
        problems.append(_id_problem("ID_CHECKSUM", "身份证号码校验码不正确，请核对最后一位，也请检查前面各位有没有输错。"))

    birth = _check_birth_date(number, today, problems)

    foreign = number[0] == "9"
    if foreign:
        # 2023版外国人永久居留身份证: leading 9, same MOD 11-2 and birth date
        # position, but no county code to look up.
        warnings.append(
            _id_problem(
                "ID_FOREIGN_PERMANENT",
                "该号码以9开头，是外国人永久居留身份证号码，请核对申请人所持证件。",
            )
        )
    elif number[:2] not in PROVINCE_CODES:
        problems.append(
            _id_problem("ID_REGION_INVALID", f"身份证号码前两位“{number[:2]}”不是有效的省级地区代码，请核对。")
        )
    elif not _region_known(number[:6]):
        warnings.append(
            _id_problem(
                "ID_REGION_UNKNOWN",
                f"地区码{number[:6]}未在本机行政区划表中，请核对；不影响受理。",
            )
        )

    if problems:
        return IdCheck(number, tuple(problems), tuple(warnings))
    # Sequence code: odd 17th digit = male (GB 11643). Not asserted for the
    # foreigners' card, whose layout we only partly know.
    gender = "" if foreign else ("男" if int(number[16]) % 2 else "女")
    return IdCheck(number, (), tuple(warnings), birth_date=birth, gender=gender)


def _check_birth_date(number: str, today: date, problems: list[Problem]) -> date | None:
    y, m, d = number[6:10], number[10:12], number[12:14]
    try:
        birth = ric.get_birth_date(number)
    except (ValidationError, ValueError):
        problems.append(
            _id_problem("ID_BIRTH_DATE_INVALID", f"身份证号码中的出生日期{y}年{m}月{d}日不存在，请核对第7至14位。")
        )
        return None
    if birth < _EARLIEST_BIRTH:
        problems.append(
            _id_problem("ID_BIRTH_DATE_INVALID", f"身份证号码中的出生年份{y}年早于1890年，请核对第7至10位。")
        )
        return None
    if birth > today:
        problems.append(
            _id_problem("ID_BIRTH_DATE_FUTURE", f"身份证号码中的出生日期{y}年{m}月{d}日晚于今天，请核对第7至14位。")
        )
        return None
    return birth


# --------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# --------------------------------------------------------------------------

_USCC_FIELD = "credit_code"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V


def check_credit_code(raw: str) -> IdCheck:
    """Check an 18-character 统一社会信用代码."""
    code = normalise_code_text(raw)
    if not code:
        return IdCheck("", (Problem("USCC_EMPTY", "未填写统一社会信用代码，请输入18位代码。", _USCC_FIELD),), ())
    hidden = character_problem(code, "统一社会信用代码", _USCC_FIELD)
    if hidden is not None:
        return IdCheck(code, (hidden,), ())
    if len(code) != 18:
        msg = f"统一社会信用代码应为18位，现在是{len(code)}位，请核对。"
        return IdCheck(code, (Problem("USCC_FORMAT", msg, _USCC_FIELD),), ())
    bad = sorted({c for c in code if c not in _USCC_ALPHABET})
    if bad:
        shown = "、".join(bad)
        msg = (
            f"统一社会信用代码中不能出现“{shown}”。代码不使用字母I、O、Z、S、V，"
            "请核对是否把数字1、0、2、5等误认成了字母。"
        )
        return IdCheck(code, (Problem("USCC_FORMAT", msg, _USCC_FIELD),), ())
    # Characters 3-8 are the registering authority's region code, always digits.
    # Not uscc.validate(): it also demands digits in characters 1-2, refusing
    # real codes registered by 农业 (N…), 中央军委 (A…) or 其他 (Y…).
    if not _is_ascii_digits(code[2:8]):
        msg = "统一社会信用代码第3至8位是行政区划码，只能是数字，请核对。"
        return IdCheck(code, (Problem("USCC_FORMAT", msg, _USCC_FIELD),), ())
    if code[17] != uscc.calc_check_digit(code):
        msg = "统一社会信用代码校验码不正确，请核对最后一位，也请检查前面各位有没有输错。"
        return IdCheck(code, (Problem("USCC_CHECKSUM", msg, _USCC_FIELD),), ())
    return IdCheck(code, (), ())


# --------------------------------------------------------------------------
# 联系电话
# --------------------------------------------------------------------------

_PHONE_FIELD = "phone"
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# 3-digit area codes are 010 and 02x; all others are 0 + 3 digits (0[3-9]xx).
_LANDLINE_RE = re.compile(r"(010|02\d|0[3-9]\d\d)([2-9]\d{6,7})")


def _phone_problem(code: str, message: str) -> Problem:
    return Problem(code, message, _PHONE_FIELD)


def check_phone(raw: str) -> IdCheck:
    """Check a mainland mobile (11 digits) or a landline with area code.

    Mobile numbers normalise to 11 digits; landlines to "区号-号码".
    """
    text = normalise_code_text(raw)
    text = text.replace("(", "").replace(")", "")  # (0935)7521234
    if not text:
        return IdCheck("", (_phone_problem("PHONE_EMPTY", "未填写联系电话，请输入手机号码或带区号的固定电话。"),), ())
    # Country code: +86 / 0086 / 86 in front of a mobile number.
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            rest = text[len(prefix):]
            # International landline form drops the trunk 0: +86 935 7521234.
            text = rest if rest.startswith("1") else "0" + rest
            break
    else:
        if len(text) == 13 and text.startswith("861"):
            text = text[2:]
    if not _is_ascii_digits(text):
        return IdCheck(text, (_phone_problem("PHONE_FORMAT", "电话号码只能由数字组成，请核对。"),), ())

    if text[0] == "1":
        if len(text) != 11:
            msg = f"手机号码应为11位，现在是{len(text)}位，请核对。"
            return IdCheck(text, (_phone_problem("PHONE_FORMAT", msg),), ())
        if not _MOBILE_RE.fullmatch(text):
            msg = "手机号码第二位应为3到9之间的数字，请核对。"
            return IdCheck(text, (_phone_problem("PHONE_FORMAT", msg),), ())
        return IdCheck(text, (), ())

    if text[0] == "0":
        m = _LANDLINE_RE.fullmatch(text)
        if not m:
            msg = "固定电话号码格式不正确，应为区号加7到8位号码，例如0935-7521234，请核对。"
            return IdCheck(text, (_phone_problem("PHONE_FORMAT", msg),), ())
        return IdCheck(f"{m.group(1)}-{m.group(2)}", (), ())

    if len(text) in (7, 8):
        msg = "固定电话请加上区号，例如0935-7521234。"
        return IdCheck(text, (_phone_problem("PHONE_AREA_CODE_MISSING", msg),), ())
    msg = "电话号码格式不正确，请输入11位手机号码或带区号的固定电话。"
    return IdCheck(text, (_phone_problem("PHONE_FORMAT", msg),), ())


# --------------------------------------------------------------------------
# 姓名
# --------------------------------------------------------------------------

_NAME_FIELD = "name"
NAME_MAX_LEN = LIMITS["person_name"].max_len
_DOT = "\u00b7"  # '·', the separator printed on ID cards
# Look-alikes typed instead of '·' (IME bullets, katakana dot, etc.).
_DOT_LIKE = "\u2022\u2027\u30fb\uff65\u22c5\u2219\u0387"
_PERIODS = ".\uff0e"  # only treated as '·' inside Chinese names


def _is_cjk(c: str) -> bool:
    # By code point, not unicodedata: Python's Unicode tables lag behind the
    # newest CJK extensions, and a registered name must still be accepted.
    cp = ord(c)
    return (
        0x3400 <= cp <= 0x4DBF  # Ext A (䶮)
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= cp <= 0x3FFFF  # planes 2-3: Ext B..I (𠮷)
        or cp == 0x3007  # 〇
    )


def _is_private_use(c: str) -> bool:
    # Household registration systems put not-yet-encoded rare characters here.
    cp = ord(c)
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0x10FFFF


def _allowed_name_char(c: str) -> bool:
    # Space, hyphen, apostrophe and period are for foreign names (Jean-Pierre O'Neil).
    if _is_cjk(c) or _is_private_use(c) or c in (_DOT, " ", "-", "'", "."):
        return True
    # Letters and combining marks, for names written in other scripts.
    return unicodedata.category(c)[0] in "LM"


def check_person_name(raw: str) -> IdCheck:
    """Check a person's name as it appears on the ID card."""
    # Whitespace of any kind becomes one ASCII space; then trim.
    name = " ".join((raw or "").split())
    name = name.translate({ord(c): _DOT for c in _DOT_LIKE})
    if any(_is_cjk(c) for c in name):
        name = name.translate({ord(c): _DOT for c in _PERIODS})
    # No space around '·' (阿卜杜 · 热合曼) or between two Chinese characters (张 三).
    name = re.sub(rf" ?{_DOT} ?", _DOT, name)
    name = "".join(
        c
        for i, c in enumerate(name)
        if not (c == " " and 0 < i < len(name) - 1 and _is_cjk(name[i - 1]) and _is_cjk(name[i + 1]))
    )

    def refuse(code: str, message: str) -> IdCheck:
        return IdCheck(name, (Problem(code, message, _NAME_FIELD),), ())

    if not name:
        return IdCheck("", (Problem("NAME_EMPTY", "未填写姓名，请输入申请人姓名。", _NAME_FIELD),), ())
    # Invisible, control and broken characters named first: "不能含有“”" would show nothing.
    hidden = character_problem(name, "姓名", _NAME_FIELD)
    if hidden is not None:
        return IdCheck(name, (hidden,), ())
    if any(c.isdigit() or unicodedata.category(c) == "Nd" for c in name):
        return refuse("NAME_DIGITS", "姓名中不能含有数字，请核对。")
    if len(name) > NAME_MAX_LEN:
        return refuse("NAME_TOO_LONG", f"姓名最多{NAME_MAX_LEN}个字，现在是{len(name)}个字，请核对。")
    bad = [c for c in name if not _allowed_name_char(c)]
    if bad:
        shown = "、".join(dict.fromkeys(bad))
        return refuse("NAME_CHARS", f"姓名中不能含有“{shown}”，请核对。")
    if name.startswith(_DOT) or name.endswith(_DOT) or _DOT * 2 in name:
        return refuse("NAME_DOT", "姓名中的间隔号“·”不能在开头或结尾，也不能连续出现，请核对。")

    warnings: tuple[Problem, ...] = ()
    if any(_is_private_use(c) for c in name):
        warnings = (
            Problem(
                "NAME_PRIVATE_CHAR",
                "姓名中含有本机无法确认的生僻字编码，请核对屏幕显示与证件上的姓名一致。",
                _NAME_FIELD,
            ),
        )
    return IdCheck(name, (), warnings)
