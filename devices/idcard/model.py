"""What a resident identity card (居民身份证) holds, as read through the security module.

Codes are those of the card's own text block: sex per GB/T 2261.1, nation per GB/T 3304
(01–56, plus 97 其他 and 98 外国血统中国籍人士).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SEX_NAMES: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

NATION_NAMES: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
    "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
    "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
    "25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔",
    "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌",
    "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
    "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}

LONG_TERM = "长期"

# The card's own character set has no room for some rare characters in names and place
# names; the issuing system puts them in the Private Use Area, which no font shows correctly.
_PUA = range(0xE000, 0xF900)


def sex_name(code: str) -> str:
    """'1' → 男; an unknown code is kept visible rather than silently dropped."""
    code = code.strip()
    return SEX_NAMES.get(code, f"代码{code}" if code else "")


def sex_code(name: str) -> str:
    for code, n in SEX_NAMES.items():
        if n == name:
            return code
    if name.startswith("代码") and len(name) == 3:
        return name[2:]
    raise ValueError(f"unknown sex {name!r}")


def nation_name(code: str) -> str:
    """'01' → 汉. Blank (the residence permit for Hong Kong, Macao and Taiwan residents
    leaves it empty) gives ''; an unknown code is kept as '代码NN'."""
    code = code.strip()
    if not code:
        return ""
    return NATION_NAMES.get(code.zfill(2), f"代码{code}")


def nation_code(name: str) -> str:
    if name == "":
        return "  "
    for code, n in NATION_NAMES.items():
        if n == name or n + "族" == name:
            return code
    if name.startswith("代码") and len(name) == 4:
        return name[2:]
    raise ValueError(f"unknown nation {name!r}")


def id_number_checksum_ok(number: str) -> bool:
    """GB 11643 check digit (ISO 7064 MOD 11-2) of an 18-character citizen ID number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def mask_id_number(number: str) -> str:
    """For logs and lists (DESIGN.md §6a): region and last four only."""
    return number[:6] + "*" * max(0, len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


@dataclass(frozen=True, repr=False)
class IdCard:
    name: str
    sex: str  # 男 / 女 / 未知 / 未说明
    nation: str  # 汉, 蒙古, … ('' on a residence permit)
    birth: date
    address: str
    id_number: str
    authority: str  # 签发机关
    valid_from: date
    valid_to: date | None  # None: 长期 (long-term)
    photo_wlt: bytes = b""  # as received: 1,024 bytes only the vendor's decoder turns into a picture

    def expired(self, on: date) -> bool:
        """The card is valid through its end date; from the next day on it has expired."""
        return self.valid_to is not None and on > self.valid_to

    @property
    def long_term(self) -> bool:
        return self.valid_to is None

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def warnings(self, on: date) -> list[str]:
        """What the clerk must see before relying on the card (shown beside the filled form)."""
        out: list[str] = []
        if self.expired(on):
            out.append(f"身份证已过有效期（有效期至 {self.valid_to:%Y年%m月%d日}），请申请人出示有效证件或临时身份证。")
        if self.valid_from > on:
            out.append(f"身份证有效期自 {self.valid_from:%Y年%m月%d日} 起，尚未开始，请核对。")
        if len(self.id_number) == 18 and not id_number_checksum_ok(self.id_number):
            out.append("公民身份号码校验位不符，请核对证件原件。")
        for label, text in (("姓名", self.name), ("住址", self.address)):
            if any(ord(ch) in _PUA for ch in text):
                out.append(f"{label}含生僻字（证件造字），屏幕上可能显示为方框，请对照证件原件手工更正。")
        return out

    def json_dict(self) -> dict[str, str]:
        """The fields as strings (ISO dates; valid_to '长期' for a long-term card). No photo."""
        return {
            "name": self.name,
            "sex": self.sex,
            "nation": self.nation,
            "birth": self.birth.isoformat(),
            "address": self.address,
            "id_number": self.id_number,
            "authority": self.authority,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": LONG_TERM if self.valid_to is None else self.valid_to.isoformat(),
        }

    def __repr__(self) -> str:
        # Never put a citizen's full ID number or address into a log or a traceback.
        return (f"IdCard(name={self.name!r}, id_number={self.masked_id_number!r}, "
                f"valid_to={'长期' if self.valid_to is None else self.valid_to.isoformat()!r}, "
                f"photo_wlt={len(self.photo_wlt)} bytes)")
