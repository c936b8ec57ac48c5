"""Case numbers: area code + year + serial + a check digit (Damm algorithm).

Damm catches every single-digit slip and every swap of two adjacent digits, the check
digit included (ISO 7064 MOD 37,36 was tried first and misses a swap of the last digit
with the check character), so a mistyped number at the pick-up desk is refused instead
of opening somebody else's case. All digits: nothing to confuse on a phone keypad.
"""

from __future__ import annotations

from stdnum import damm

from app.rules.problems import Problem, RuleError

SERIAL_DIGITS = 7


def number_prefix(area_code: str, year: int) -> str:
    return f"{area_code}{year:04d}"


def make_case_number(prefix: str, serial: int) -> str:
    if not 0 < serial < 10**SERIAL_DIGITS:
        raise RuleError(Problem("NUMBER_SERIAL_RANGE", "办件流水号超出范围。"))
    body = f"{prefix}{serial:0{SERIAL_DIGITS}d}"
    return body + damm.calc_check_digit(body)


def normalise_case_number(raw: str) -> str:
    table = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF21 + i: 0x41 + i for i in range(26)}
    table |= {0xFF41 + i: 0x41 + i for i in range(26)}
    text = raw.translate(table)
    return "".join(ch for ch in text if ch.isalnum()).upper()


def check_case_number(raw: str) -> str:
    """The normalised number, or RuleError explaining what is wrong with it."""
    number = normalise_case_number(raw)
    if len(number) < 12 or not number.isdigit():
        raise RuleError(Problem("CASE_NUMBER_FORMAT", "办件编号格式不正确，请核对通知书上的编号。", "number"))
    if not damm.is_valid(number):
        raise RuleError(
            Problem("CASE_NUMBER_CHECK", "办件编号校验位不符，可能有输错的字符，请逐位核对。", "number")
        )
    return number


def display_case_number(number: str) -> str:
    """Grouped for reading aloud: 620321-2026-0000123-K."""
    return f"{number[:6]}-{number[6:10]}-{number[10:-1]}-{number[-1]}"
