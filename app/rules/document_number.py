"""Document numbers (文号) in the manner of official documents: 永市监受〔2026〕第0100012号 —
the department's short name, a letter for the kind, the year in 〔〕 and a yearly serial.

The serial is per department and year and carries the terminal's two-digit code first: a
station issues notices offline for days, and two terminals must never hand out the same
number for the same department.
"""

from __future__ import annotations

import re

from app.documents import DocumentKind

KIND_LETTERS = {
    DocumentKind.ACCEPTANCE: "受", DocumentKind.REJECTION: "不受", DocumentKind.SUPPLEMENTATION: "补",
    DocumentKind.RECEIPT: "收", DocumentKind.TOLERANCE_COMMITMENT: "容", DocumentKind.CERTIFICATE: "证",
    DocumentKind.HANDOVER_RECEIPT: "领", DocumentKind.MAILING_LIST: "寄",
}
# Customary short forms of county departments; anything else: the first two characters of its own name.
DEPARTMENT_SHORT = {
    "市场监督管理局": "市监", "税务局": "税", "民政局": "民", "人力资源和社会保障局": "人社", "交通运输局": "交",
    "卫生健康局": "卫健", "自然资源局": "自然", "住房和城乡建设局": "住建", "公安局": "公", "教育局": "教",
    "农业农村局": "农", "生态环境局": "环", "文化和旅游局": "文旅", "水务局": "水", "应急管理局": "应急",
    "医疗保障局": "医保", "商务局": "商", "林业和草原局": "林草", "退役军人事务局": "退役", "残疾人联合会": "残联",
}
_PLACE = re.compile(r"^(.*?[省市县区旗])")


def department_short_name(department: str) -> str:
    """永昌县市场监督管理局 → 永市监; 国家税务总局永昌县税务局 → 永税."""
    name = department.split("（")[0].strip()
    name = name.removeprefix("国家税务总局")
    place = _PLACE.match(name)
    head = place.group(1)[0] if place else name[:1]
    rest = name[place.end():] if place else name[1:]
    short = next((v for k, v in DEPARTMENT_SHORT.items() if rest.endswith(k)), rest[:2])
    return head + short


def terminal_code(terminal_id: str) -> str:
    """The last two digits of the terminal's id (YC-ZWFW-DEMO-01 → 01)."""
    digits = "".join(ch for ch in terminal_id if ch.isdigit())
    return (digits[-2:] or "00").rjust(2, "0")


def format_document_number(department: str, kind: DocumentKind, year: int, terminal_id: str, serial: int) -> str:
    return f"{department_short_name(department)}{KIND_LETTERS[kind]}〔{year}〕第{terminal_code(terminal_id)}{serial:05d}号"
