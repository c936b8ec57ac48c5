"""Tests for app.rules.identity: what a clerk relies on when typing identity fields.

Check digits are computed here from the standards' own tables, not with
stdnum, so a wrong library or a wrong call in the app makes these fail.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.identity import (
    IdCheck,
    check_credit_code,
    check_person_name,
    check_phone,
    check_resident_id,
    normalise_code_text,
)

TODAY = date(2025, 6, 15)

# stdnum's region table loads lazily on the first lookup; no deadline so that
# first example is not reported as slow.
relaxed = settings(deadline=None)


# ---------------------------------------------------------------------------
# Independent reference algorithms
# ---------------------------------------------------------------------------

# GB 11643-1999: weights W_i = 2^(i-1) mod 11 counted from the right, and the
# check-character table as printed in the standard.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_TABLE = "10X98765432"


def id_check_char(body17: str) -> str:
    return ID_CHECK_TABLE[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


# GB 32100-2015: 31-character set, weights 3^(i-1) mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def uscc_check_char(body17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def test_reference_algorithms_match_published_examples() -> None:
    # Guards the guards: the worked example printed in GB 11643-1999 and the
    # example code in python-stdnum's documentation.
    assert id_check_char("11010519491231002") == "X"
    assert USCC_WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)
    assert uscc_check_char("91110000600037341") == "L"


PROVINCES = [
    *("11", "12", "13", "14", "15", "21", "22", "23"),
    *("31", "32", "33", "34", "35", "36", "37"),
    *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"),
    *("61", "62", "63", "64", "65", "71", "81", "82", "83"),
]
# Real codes, some of which stdnum's own validate() refuses for some birth years.
KNOWN_REGIONS = ["110101", "310104", "441900", "500101", "620102", "650102", "810000", "820000", "830000"]

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]+$")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def assert_readable(check: IdCheck) -> None:
    """Every problem/warning has a log code and a Chinese sentence for the clerk."""
    for p in check.problems + check.warnings:
        assert CODE_RE.match(p.code), p.code
        assert CJK_RE.search(p.message), p.message
        assert p.field


def codes(check: IdCheck) -> set[str]:
    return {p.code for p in check.problems}


def warning_codes(check: IdCheck) -> set[str]:
    return {p.code for p in check.warnings}


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


regions = st.one_of(
    st.sampled_from(KNOWN_REGIONS),
    # Random county digits: mostly codes that are in no table at all.
    st.builds(lambda p, rest: p + f"{rest:04d}", st.sampled_from(PROVINCES), st.integers(0, 9999)),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
valid_ids = st.builds(make_id, regions, births, st.integers(0, 999))


@st.composite
def ids_ending_in_x(draw: st.DrawFn) -> str:
    # Vary the 17th digit until the check character is X (impossible for ~1 in 11 prefixes).
    region, birth, seq = draw(regions), draw(births), draw(st.integers(0, 99))
    for last in range(10):
        number = make_id(region, birth, seq * 10 + last)
        if number.endswith("X"):
            return number
    return draw(st.nothing())


# ---------------------------------------------------------------------------
# normalise_code_text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３ｘ", "ABC123X"),
        ("\u3000１１０１０１\u3000", "110101"),
        (" 11 01\t01\u00a0-19－90 ", "1101011990"),
        ("11010119900101001x", "11010119900101001X"),
        ("", ""),
    ],
)
def test_normalise_code_text(raw: str, expected: str) -> None:
    assert normalise_code_text(raw) == expected


# ---------------------------------------------------------------------------
# 居民身份证号码
# ---------------------------------------------------------------------------


@relaxed
@given(valid_ids)
def test_valid_resident_id_is_accepted_with_birth_date_and_gender(number: str) -> None:
    result = check_resident_id(number, TODAY)
    assert result.ok, result.problems
    assert result.value == number
    assert result.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert result.gender == ("男" if int(number[16]) % 2 == 1 else "女")
    # An unknown county code may warn, nothing else may.
    assert warning_codes(result) <= {"ID_REGION_UNKNOWN"}
    assert_readable(result)


@relaxed
@given(st.one_of(valid_ids, ids_ending_in_x()), st.data())
def test_mangled_input_is_normalised_to_the_same_number(number: str, data: st.DataObject) -> None:
    chars = []
    for c in number:
        if c == "X":
            c = data.draw(st.sampled_from(["X", "x", "Ｘ", "ｘ"]))
        elif data.draw(st.booleans()):
            c = chr(ord(c) + 0xFEE0)  # full-width digit from a Chinese IME
        sep = data.draw(st.sampled_from(["", "", " ", "\u3000", "\t", "\u00a0", "-", "－"]))
        chars.append(c + sep)
    mangled = data.draw(st.sampled_from(["", " ", "\u3000"])) + "".join(chars)

    result = check_resident_id(mangled, TODAY)
    assert result.ok, (mangled, result.problems)
    assert result.value == number


@relaxed
@given(valid_ids, st.integers(0, 17), st.data())
def test_any_single_character_change_is_refused(number: str, pos: int, data: st.DataObject) -> None:
    new = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[pos]]))
    changed = number[:pos] + new + number[pos + 1 :]

    result = check_resident_id(changed, TODAY)
    assert not result.ok
    if pos < 17 and new == "X":
        assert codes(result) == {"ID_FORMAT"}
    else:
        # MOD 11-2 catches every single substitution, and the checksum is
        # reported even when the date or province is broken too.
        assert "ID_CHECKSUM" in codes(result)
    assert result.birth_date is None
    assert result.gender == ""
    assert_readable(result)


def test_checksum_message_tells_clerk_to_check_last_digit() -> None:
    good = make_id("110101", date(1990, 1, 1), 1)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    result = check_resident_id(bad, TODAY)
    assert codes(result) == {"ID_CHECKSUM"}
    assert "校验码不正确" in result.problems[0].message
    assert "最后一位" in result.problems[0].message


def test_example_from_the_standard_with_x_is_accepted() -> None:
    result = check_resident_id("11010519491231002x", TODAY)
    assert result.ok
    assert result.value == "11010519491231002X"
    assert result.birth_date == date(1949, 12, 31)
    assert result.gender == "女"


@pytest.mark.parametrize("raw", ["110105491231002", "1101 0549 1231 002", "１１０１０５４９１２３１００２"])
def test_first_generation_15_digit_number_is_refused(raw: str) -> None:
    result = check_resident_id(raw, TODAY)
    assert codes(result) == {"ID_15_DIGIT"}
    message = result.problems[0].message
    assert "15位" in message and "18位" in message
    assert_readable(result)


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002",  # 17
        "1101051949123100211",  # 19
        "11010519491231O02X",  # letter O for zero
        "X10105194912310021",  # X not at the end
        "11010519491231002Y",
        "110105١٩٤٩1231002X",  # Arabic-Indic digits are not ID digits
    ],
)
def test_wrong_length_or_characters_is_format_error(raw: str) -> None:
    result = check_resident_id(raw, TODAY)
    assert codes(result) == {"ID_FORMAT"}
    assert_readable(result)


def test_empty_is_refused() -> None:
    result = check_resident_id(" \u3000 ", TODAY)
    assert not result.ok
    assert result.value == ""
    assert_readable(result)


def test_impossible_birth_date_0230_is_refused() -> None:
    body = "11010519990230002"
    result = check_resident_id(body + id_check_char(body), TODAY)  # checksum right, date not
    assert codes(result) == {"ID_BIRTH_DATE_INVALID"}
    assert "1999年02月30日" in result.problems[0].message


def test_birth_before_1890_is_refused() -> None:
    result = check_resident_id(make_id("110105", date(1889, 12, 31), 2), TODAY)
    assert codes(result) == {"ID_BIRTH_DATE_INVALID"}


def test_birth_date_in_the_future_is_refused_but_today_is_fine() -> None:
    newborn = check_resident_id(make_id("110105", TODAY, 2), TODAY)
    assert newborn.ok
    assert newborn.birth_date == TODAY

    tomorrow = check_resident_id(make_id("110105", TODAY + timedelta(days=1), 2), TODAY)
    assert codes(tomorrow) == {"ID_BIRTH_DATE_FUTURE"}
    # Same number is fine once that day has come: today is an input, not the clock.
    assert check_resident_id(make_id("110105", TODAY + timedelta(days=1), 2), TODAY + timedelta(days=1)).ok


def test_unknown_region_code_only_warns() -> None:
    # 119999 is in no administrative-division table; stdnum.cn.ric even raises
    # KeyError on it. The checksum and date are fine, so it must be accepted.
    number = make_id("119999", date(1990, 5, 17), 123)
    result = check_resident_id(number, TODAY)
    assert result.ok
    assert warning_codes(result) == {"ID_REGION_UNKNOWN"}
    assert "119999" in result.warnings[0].message
    assert "不影响受理" in result.warnings[0].message
    assert result.birth_date == date(1990, 5, 17)
    assert result.gender == "男"


@pytest.mark.parametrize(
    ("region", "birth"),
    [
        ("441900", date(1950, 3, 1)),  # 东莞 code dates from 1988; older residents carry it
        ("810000", date(1980, 1, 1)),  # 港澳台居民居住证, holders born before 1997
        ("820000", date(1960, 1, 1)),
        ("830000", date(1975, 8, 8)),
    ],
)
def test_real_codes_newer_than_the_birth_year_are_accepted_without_warning(region: str, birth: date) -> None:
    result = check_resident_id(make_id(region, birth, 7), TODAY)
    assert result.ok, result.problems
    assert result.warnings == ()


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "39", "47", "60", "70", "80", "84"])
def test_impossible_province_is_refused(province: str) -> None:
    result = check_resident_id(make_id(province + "0101", date(1990, 1, 1), 1), TODAY)
    assert codes(result) == {"ID_REGION_INVALID"}
    assert province in result.problems[0].message


def test_foreigner_permanent_residence_number_is_accepted_with_notice() -> None:
    # 2023版外国人永久居留身份证: leading 9, same MOD 11-2 check digit.
    result = check_resident_id(make_id("911156", date(1985, 4, 2), 11), TODAY)
    assert result.ok
    assert warning_codes(result) == {"ID_FOREIGN_PERMANENT"}
    assert result.birth_date == date(1985, 4, 2)


# ---------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------


def make_uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


KNOWN_USCC_BODIES = [
    "91110000600037341",  # 企业, 北京
    "91350100M000100Y4",  # 企业, 福州, letters in the organisation code
    "52110000500021676",  # 民政: 社会组织
    "12100000400000247",  # 机构编制: 事业单位
    "93620102MA7XK2L0Q",  # 农民专业合作社
    "N2330106MA2B3C4D5",  # 农业部门: 村级集体经济组织 (stdnum refuses letters here)
    "Y1110000MB0123456",  # 其他登记管理部门
]

uscc_bodies = st.builds(
    lambda a, b, region, org: a + b + region + org,
    st.sampled_from("123456789ANY"),
    st.sampled_from("1239"),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.text(alphabet=USCC_CHARS, min_size=9, max_size=9),
)


@pytest.mark.parametrize("body", KNOWN_USCC_BODIES)
def test_known_format_credit_codes_are_accepted(body: str) -> None:
    code = make_uscc(body)
    result = check_credit_code(code)
    assert result.ok, result.problems
    assert result.value == code


@given(uscc_bodies, st.data())
def test_credit_code_lower_case_and_full_width_are_normalised(body: str, data: st.DataObject) -> None:
    code = make_uscc(body)
    mangled = ""
    for c in code:
        c = c.lower() if data.draw(st.booleans()) else c
        c = chr(ord(c) + 0xFEE0) if data.draw(st.booleans()) else c
        mangled += c + data.draw(st.sampled_from(["", "", " ", "\u3000", "-"]))
    result = check_credit_code(mangled)
    assert result.ok, (mangled, result.problems)
    assert result.value == code


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_CHARS))
def test_any_single_character_typo_in_credit_code_is_refused(body: str, pos: int, new: str) -> None:
    code = make_uscc(body)
    if code[pos] == new:
        new = USCC_CHARS[(USCC_CHARS.index(new) + 1) % len(USCC_CHARS)]
    typo = code[:pos] + new + code[pos + 1 :]
    result = check_credit_code(typo)
    assert not result.ok
    assert codes(result) <= {"USCC_CHECKSUM", "USCC_FORMAT"}
    if 2 <= pos <= 7 and not new.isdigit():
        assert codes(result) == {"USCC_FORMAT"}  # region code part must be digits
    else:
        assert codes(result) == {"USCC_CHECKSUM"}
    assert_readable(result)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_letters_not_used_in_credit_codes_are_format_errors(letter: str) -> None:
    code = make_uscc("91110000600037341")
    typo = code[:12] + letter + code[13:]
    result = check_credit_code(typo)
    assert codes(result) == {"USCC_FORMAT"}
    assert letter in result.problems[0].message


@pytest.mark.parametrize("raw", ["91110000600037341", "91110000600037341LL", "911100006000", "   "])
def test_credit_code_wrong_length_is_refused(raw: str) -> None:
    result = check_credit_code(raw)
    assert not result.ok
    assert_readable(result)
    if raw.strip():
        assert codes(result) == {"USCC_FORMAT"}


def test_credit_code_check_character_wrong_is_checksum_error() -> None:
    result = check_credit_code("91110000600037341K")
    assert codes(result) == {"USCC_CHECKSUM"}
    assert "校验码" in result.problems[0].message


# ---------------------------------------------------------------------------
# 联系电话
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("19912345678", "19912345678"),
        ("0935-7521234", "0935-7521234"),
        ("09357521234", "0935-7521234"),
        ("(0935) 7521234", "0935-7521234"),
        ("（0935）7521234", "0935-7521234"),
        ("010-62345678", "010-62345678"),
        ("021 6234 5678", "021-62345678"),
        ("0755-86013388", "0755-86013388"),
    ],
)
def test_valid_phone_numbers_are_accepted_and_normalised(raw: str, expected: str) -> None:
    result = check_phone(raw)
    assert result.ok, result.problems
    assert result.value == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "PHONE_EMPTY"),
        ("1380013800", "PHONE_FORMAT"),  # 10 digits
        ("138001380001", "PHONE_FORMAT"),  # 12 digits
        ("12800138000", "PHONE_FORMAT"),  # no 12x mobile numbers
        ("1380013800a", "PHONE_FORMAT"),
        ("7521234", "PHONE_AREA_CODE_MISSING"),
        ("62345678", "PHONE_AREA_CODE_MISSING"),
        ("0935-752123", "PHONE_FORMAT"),  # local part too short
        ("0935-0521234", "PHONE_FORMAT"),  # local numbers do not start with 0
        ("0035-7521234", "PHONE_FORMAT"),
        ("123", "PHONE_FORMAT"),
    ],
)
def test_invalid_phone_numbers_are_refused(raw: str, code: str) -> None:
    result = check_phone(raw)
    assert codes(result) == {code}
    assert_readable(result)


# ---------------------------------------------------------------------------
# 姓名
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        ("  张三\u3000", "张三"),
        ("张 三", "张三"),
        ("𠮷田", "𠮷田"),  # Ext B, outside the BMP
        ("刘䶮", "刘䶮"),  # Ext A
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("阿卜杜 · 热合曼", "阿卜杜·热合曼"),
        ("阿卜杜\u3000·\u3000热合曼", "阿卜杜·热合曼"),
        ("阿卜杜•热合曼", "阿卜杜·热合曼"),  # bullet typed instead of middle dot
        ("阿卜杜・热合曼", "阿卜杜·热合曼"),  # katakana middle dot from a Japanese IME
        ("阿卜杜.热合曼", "阿卜杜·热合曼"),
        ("爱新觉罗·溥仪", "爱新觉罗·溥仪"),
        ("John  Smith", "John Smith"),
        ("王〇", "王〇"),
    ],
)
def test_valid_names_are_accepted_and_normalised(raw: str, expected: str) -> None:
    result = check_person_name(raw)
    assert result.ok, result.problems
    assert result.value == expected
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "NAME_EMPTY"),
        (" \u3000\t", "NAME_EMPTY"),
        ("张3", "NAME_DIGITS"),
        ("张３", "NAME_DIGITS"),  # full-width digit
        ("李" * 51, "NAME_TOO_LONG"),
        ("张三@", "NAME_CHARS"),
        ("张三（曾用名）", "NAME_CHARS"),
        ("·张三", "NAME_DOT"),
        ("张三·", "NAME_DOT"),
        ("阿卜杜··热合曼", "NAME_DOT"),
    ],
)
def test_invalid_names_are_refused(raw: str, code: str) -> None:
    result = check_person_name(raw)
    assert codes(result) == {code}
    assert_readable(result)


def test_name_length_counts_characters_not_utf16_units() -> None:
    # 50 Ext-B characters are 100 UTF-16 units; the limit is on what the clerk sees.
    assert check_person_name("𠮷" * 50).ok
    assert codes(check_person_name("𠮷" * 51)) == {"NAME_TOO_LONG"}


def test_private_use_character_is_accepted_with_warning() -> None:
    result = check_person_name("张\ue000")
    assert result.ok
    assert warning_codes(result) == {"NAME_PRIVATE_CHAR"}
    assert_readable(result)
