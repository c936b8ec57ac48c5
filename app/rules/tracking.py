"""Courier tracking numbers (邮寄送达): the format each courier uses and, where it has one, the
check digit — a misread or mistyped number is caught before the parcel leaves the hall."""

from __future__ import annotations

import re

from app.rules.problems import Problem

# EMS and China Post registered items follow UPU S10: two letters, 8 digits, a check digit, "CN".
_S10 = re.compile(r"^[A-Z]{2}(\d{8})(\d)CN$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
# EMS domestic: 13 digits starting 1 (checked by its Luhn-like mod 11 is not published: format only).
_EMS_DOMESTIC = re.compile(r"^1\d{12}$")
_SF = re.compile(r"^SF\d{12,13}$")
_JD = re.compile(r"^JD[A-Z0-9]{13}$")

COURIERS = {"ems": "中国邮政 EMS", "sf": "顺丰速运", "jd": "京东物流"}


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of 8 digits: weights 8 6 4 2 3 5 9 7, 11 − sum mod 11; 10 → 0, 11 → 5."""
    c = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(c, c)


def normalise_tracking(text: str) -> str:
    return "".join(text.split()).upper().replace("－", "-").replace("-", "")


def tracking_problems(courier: str, text: str) -> list[Problem]:
    """Why `text` is not a tracking number of `courier`; [] when it is."""
    n = normalise_tracking(text)
    if courier not in COURIERS:
        return [Problem("COURIER_UNKNOWN", "请选择快递公司（中国邮政 EMS、顺丰速运、京东物流）。", "courier")]
    if not n:
        return [Problem("TRACKING_EMPTY", "请扫描或输入快递单号。", "tracking_no")]
    label = COURIERS[courier]
    if courier == "ems":
        m = _S10.match(n)
        if m:
            if int(m.group(2)) != s10_check_digit(m.group(1)):
                return [Problem("TRACKING_CHECK_DIGIT", f"{label}单号 {n} 的校验位不符，可能扫描或输入有误，请核对。", "tracking_no")]
            return []
        if _EMS_DOMESTIC.match(n):
            return []
        return [Problem("TRACKING_FORMAT", f"{label}单号应为13位数字，或两个字母+9位数字+CN（如 EA123456785CN）。", "tracking_no")]
    if courier == "sf" and not _SF.match(n):
        return [Problem("TRACKING_FORMAT", f"{label}单号应为 SF 加12至13位数字。", "tracking_no")]
    if courier == "jd" and not _JD.match(n):
        return [Problem("TRACKING_FORMAT", f"{label}单号应为 JD 加13位字母或数字。", "tracking_no")]
    return []
