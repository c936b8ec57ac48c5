"""The resident ID card security module (SAM) serial protocol, as pure functions.

Frame to the module (command)::

    AA AA AA 96 69 | LEN_H LEN_L | CMD | PARA | DATA… | CHK

Frame from the module (answer)::

    AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3 | DATA… | CHK

LEN is big-endian and counts everything after itself, checksum included; CHK is the XOR of
the two length bytes and everything up to (not including) CHK. SW1 SW2 are 00 00 in every
answer this project knows; SW3 is the status (90 success, 9F card found, 80 no card, …).

The answer to "read base message" (30 01) carries: text length (2 bytes, big-endian), photo
length (2 bytes, big-endian), the text (256 bytes, UTF-16LE, fixed-width fields padded with
spaces) and the photo (1,024 bytes of WLT that only the vendor's library decodes).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import date, datetime

from devices.errors import DeviceError
from devices.idcard.model import LONG_TERM, IdCard, nation_code, nation_name, sex_code, sex_name

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_SIZE = len(PREAMBLE) + 2

# (command, parameter)
CMD_FIND_CARD = (0x20, 0x01)
CMD_SELECT_CARD = (0x20, 0x02)
CMD_READ_BASE = (0x30, 0x01)
CMD_SAM_STATUS = (0x11, 0xFF)
CMD_SAM_ID = (0x12, 0xFF)

# SW3 status bytes.
SW_OK = 0x90
SW_NO_CONTENT = 0x91
SW_FIND_OK = 0x9F
SW_BAD_CHECKSUM = 0x10
SW_BAD_LENGTH = 0x11
SW_BAD_COMMAND = 0x21
SW_READ_FAILED = 0x41
SW_FIND_FAILED = 0x80
SW_SELECT_FAILED = 0x81

STATUS_MESSAGES: dict[int, str] = {
    0x90: "操作成功",
    0x91: "居民身份证中此项无内容",
    0x9F: "寻找居民身份证成功",
    0x10: "阅读器收到的命令校验和错误",
    0x11: "阅读器收到的命令长度错误",
    0x21: "阅读器收到的命令错误（命令中的数值或逻辑搭配错误）",
    0x23: "越权操作",
    0x24: "无法识别的错误",
    0x31: "居民身份证认证安全模块失败",
    0x32: "安全模块认证居民身份证失败",
    0x33: "信息验证错误",
    0x37: "指纹信息验证错误",
    0x3F: "信息长度错误",
    0x40: "无法识别的卡类型",
    0x41: "读居民身份证操作失败",
    0x47: "取随机数失败",
    0x60: "安全模块自检失败，不能接收命令",
    0x66: "安全模块未经授权，无法使用",
    0x80: "寻找居民身份证失败（未放卡）",
    0x81: "选取居民身份证失败",
}

# Lengths bound what a frame may claim: nothing this driver asks for is longer than a read
# with fingerprints (~2.3 KB); a larger length means noise or a wrong baud rate.
MIN_COMMAND_LENGTH = 3  # CMD PARA CHK
MIN_ANSWER_LENGTH = 4  # SW1 SW2 SW3 CHK
MAX_LENGTH = 4096

# Text block layout, in UTF-16 code units (2 bytes each).
TEXT_FIELDS: tuple[tuple[str, int], ...] = (
    ("name", 15), ("sex", 1), ("nation", 2), ("birth", 8), ("address", 35), ("id_number", 18),
    ("authority", 15), ("valid_from", 8), ("valid_to", 8),
)
TEXT_BYTES = 256
PHOTO_BYTES = 1024
_FIELDS_CHARS = sum(w for _, w in TEXT_FIELDS)  # 110
# Card kind marker (documented for the 2017 foreigner's permanent residence card 'I' and the
# 2018 Hong Kong/Macao/Taiwan residence permit 'J'); blank on a resident identity card.
_CARD_KIND_INDEX = 124


class FrameError(DeviceError):
    """A frame that is not one (base of the three kinds below)."""


class BadPreamble(FrameError):
    """The frame does not start with AA AA AA 96 69 (or no preamble turned up in the noise)."""


class BadLength(FrameError):
    """The length field is impossible or does not match the bytes that came."""


class BadChecksum(FrameError):
    """The XOR checksum does not match: the bytes were damaged on the way."""


def frame_error(kind: type[FrameError], detail: str) -> FrameError:
    if kind is BadChecksum:
        return BadChecksum("IDCARD_CHECKSUM",
                           "阅读器传回的数据校验错误（线路干扰或波特率不对）。请重新读卡；如反复出现，请在设备设置中核对波特率。",
                           detail)
    return kind("IDCARD_FRAME",
                "阅读器传回的数据格式不对（常见原因：波特率设置不对，或端口接的不是身份证阅读器）。请在设备设置中核对。", detail)


def checksum(data: bytes) -> int:
    """XOR of every byte (the caller passes the length bytes through the last data byte)."""
    x = 0
    for b in data:
        x ^= b
    return x


def _frame(body: bytes) -> bytes:
    length = struct.pack(">H", len(body) + 1)
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def encode_command(cmd: int, para: int, data: bytes = b"") -> bytes:
    """find card → AA AA AA 96 69 00 03 20 01 22"""
    return _frame(bytes([cmd, para]) + data)


def encode_answer(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """no card → AA AA AA 96 69 00 04 00 00 80 84"""
    return _frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Command:
    cmd: int
    para: int
    data: bytes = b""

    @property
    def key(self) -> tuple[int, int]:
        return (self.cmd, self.para)


@dataclass(frozen=True)
class Answer:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def status(self) -> int:
        """SW3 when SW1 SW2 are 00 00 (always, in the published protocol); else all three."""
        return self.sw3 if (self.sw1, self.sw2) == (0, 0) else (self.sw1 << 16) | (self.sw2 << 8) | self.sw3

    @property
    def status_message(self) -> str:
        return status_message(self.status)


def status_message(status: int) -> str:
    return STATUS_MESSAGES.get(status, f"未知状态码 {status:02X}")


def check_length(length: int, minimum: int) -> None:
    """Raise if a frame's length field is impossible (called as soon as the 2 bytes arrive)."""
    if not minimum <= length <= MAX_LENGTH:
        raise frame_error(BadLength, f"length field {length} outside {minimum}..{MAX_LENGTH}")


def _unframe(frame: bytes, minimum: int) -> bytes:
    """Check preamble, length and checksum; return what lies between the length and the checksum."""
    if frame[: len(PREAMBLE)] != PREAMBLE:
        raise frame_error(BadPreamble, f"bad preamble {frame[:len(PREAMBLE)].hex(' ')}")
    if len(frame) < HEADER_SIZE:
        raise frame_error(BadLength, f"frame of {len(frame)} bytes has no length")
    (length,) = struct.unpack(">H", frame[len(PREAMBLE):HEADER_SIZE])
    check_length(length, minimum)
    if len(frame) != HEADER_SIZE + length:
        raise frame_error(BadLength, f"length field says {length}, frame carries {len(frame) - HEADER_SIZE}")
    expected = checksum(frame[len(PREAMBLE):-1])
    if frame[-1] != expected:
        raise frame_error(BadChecksum, f"checksum {frame[-1]:02X}, computed {expected:02X}")
    return frame[HEADER_SIZE:-1]


def parse_command(frame: bytes) -> Command:
    body = _unframe(frame, MIN_COMMAND_LENGTH)
    return Command(body[0], body[1], body[2:])


def parse_answer(frame: bytes) -> Answer:
    body = _unframe(frame, MIN_ANSWER_LENGTH)
    return Answer(body[0], body[1], body[2], body[3:])


def split_frames(buffer: bytearray, minimum: int = MIN_COMMAND_LENGTH) -> list[bytes | FrameError]:
    """Take every complete frame off the front of a receive buffer (the simulator's side).

    Garbage before a preamble is dropped; a frame with an impossible length is reported and
    its preamble skipped so the stream can resynchronise. Checksums are not checked here."""
    out: list[bytes | FrameError] = []
    while True:
        start = buffer.find(PREAMBLE)
        if start < 0:
            # Keep a possible partial preamble at the end, drop the rest.
            del buffer[: max(0, len(buffer) - (len(PREAMBLE) - 1))]
            return out
        del buffer[:start]
        if len(buffer) < HEADER_SIZE:
            return out
        (length,) = struct.unpack(">H", bytes(buffer[len(PREAMBLE):HEADER_SIZE]))
        try:
            check_length(length, minimum)
        except FrameError as err:
            out.append(err)
            del buffer[: len(PREAMBLE)]
            continue
        if len(buffer) < HEADER_SIZE + length:
            return out
        out.append(bytes(buffer[: HEADER_SIZE + length]))
        del buffer[: HEADER_SIZE + length]


# --- the text block --------------------------------------------------------------------------

def _data_error(detail: str, what: str = "身份证信息") -> DeviceError:
    return DeviceError("IDCARD_DATA", f"{what}无法识别，请重新读卡；如反复出现，请手工录入并核对证件原件。", detail)


def decode_text_fields(text: bytes) -> dict[str, str]:
    """The raw field strings (right padding removed), keyed as in TEXT_FIELDS."""
    if len(text) < _FIELDS_CHARS * 2:
        raise _data_error(f"text block of {len(text)} bytes, need {_FIELDS_CHARS * 2}")
    fields: dict[str, str] = {}
    pos = 0
    for name, width in TEXT_FIELDS:
        raw = text[pos: pos + 2 * width]
        # 'replace' keeps a damaged character visible as � instead of refusing the whole card.
        fields[name] = raw.decode("utf-16-le", errors="replace").rstrip(" \x00")
        pos += 2 * width
    kind_at = 2 * _CARD_KIND_INDEX
    fields["card_kind"] = text[kind_at: kind_at + 2].decode("utf-16-le", errors="replace").strip(" \x00")
    return fields


def encode_text_fields(fields: dict[str, str], card_kind: str = "") -> bytes:
    parts: list[bytes] = []
    for name, width in TEXT_FIELDS:
        value = fields[name]
        raw = value.encode("utf-16-le")
        if len(raw) > 2 * width:
            raise ValueError(f"{name} {value!r} longer than {width} characters")
        parts.append(raw + " ".encode("utf-16-le") * (width - len(raw) // 2))
    text = b"".join(parts)
    reserved = " " * (TEXT_BYTES // 2 - _FIELDS_CHARS)
    if card_kind:
        at = _CARD_KIND_INDEX - _FIELDS_CHARS
        reserved = reserved[:at] + card_kind + reserved[at + 1:]
    return text + reserved.encode("utf-16-le")


def _date(value: str, label: str) -> date:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise _data_error(f"{label} {value!r} is not YYYYMMDD", f"身份证上的{label}") from None


def card_from_text(text: bytes, photo: bytes = b"") -> IdCard:
    f = decode_text_fields(text)
    if f["card_kind"] == "I":
        raise DeviceError("IDCARD_UNSUPPORTED", "这是外国人永久居留身份证，暂不支持自动读取，请手工录入并核对证件。",
                          "card kind I")
    valid_to = f["valid_to"]
    return IdCard(
        name=f["name"],
        sex=sex_name(f["sex"]),
        nation=nation_name(f["nation"]),
        birth=_date(f["birth"], "出生日期"),
        address=f["address"],
        id_number=f["id_number"],
        authority=f["authority"],
        valid_from=_date(f["valid_from"], "有效期起始日期"),
        valid_to=None if valid_to == LONG_TERM else _date(valid_to, "有效期截止日期"),
        photo_wlt=photo,
    )


def card_to_text(card: IdCard, card_kind: str = "") -> bytes:
    return encode_text_fields({
        "name": card.name,
        "sex": sex_code(card.sex),
        "nation": nation_code(card.nation),
        "birth": f"{card.birth:%Y%m%d}",
        "address": card.address,
        "id_number": card.id_number,
        "authority": card.authority,
        "valid_from": f"{card.valid_from:%Y%m%d}",
        "valid_to": LONG_TERM if card.valid_to is None else f"{card.valid_to:%Y%m%d}",
    }, card_kind)


def parse_base_message(data: bytes) -> IdCard:
    """The data of a successful read answer: lengths, text block, WLT photo."""
    if len(data) < 4:
        raise _data_error(f"read answer data of {len(data)} bytes")
    text_len, photo_len = struct.unpack(">HH", data[:4])
    if 4 + text_len + photo_len > len(data):
        raise _data_error(f"lengths {text_len}+{photo_len} exceed the {len(data) - 4} bytes received")
    return card_from_text(data[4: 4 + text_len], data[4 + text_len: 4 + text_len + photo_len])


def encode_base_message(card: IdCard, card_kind: str = "") -> bytes:
    text = card_to_text(card, card_kind)
    return struct.pack(">HH", len(text), len(card.photo_wlt)) + text + card.photo_wlt
