"""The SAM frame format and the card's text block, checked against bytes built by hand from the
published layout (not only against our own encoder)."""

from __future__ import annotations

import struct
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import DeviceError
from devices.idcard import protocol as p
from devices.idcard.model import NATION_NAMES, IdCard, nation_name
from devices.idcard.simulator import SAMPLE_CARDS, sample_card


def xor(data: bytes) -> int:
    x = 0
    for b in data:
        x ^= b
    return x


def hexb(s: str) -> bytes:
    return bytes.fromhex(s.replace(" ", ""))


# --- frames ---------------------------------------------------------------------------------

def test_find_card_command_is_the_published_bytes():
    assert p.encode_command(0x20, 0x01) == hexb("AA AA AA 96 69 00 03 20 01 22")


def test_select_and_read_commands_are_the_published_bytes():
    assert p.encode_command(0x20, 0x02) == hexb("AA AA AA 96 69 00 03 20 02 21")
    assert p.encode_command(0x30, 0x01) == hexb("AA AA AA 96 69 00 03 30 01 32")
    assert p.encode_command(0x11, 0xFF) == hexb("AA AA AA 96 69 00 03 11 FF ED")


def test_answers_built_by_hand_parse():
    found = p.parse_answer(hexb("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"))
    assert found.status == 0x9F and found.data == bytes(4)
    none = p.parse_answer(hexb("AA AA AA 96 69 00 04 00 00 80 84"))
    assert none.status == p.SW_FIND_FAILED and none.data == b""
    assert "未放卡" in none.status_message
    selected = p.parse_answer(hexb("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C"))
    assert selected.status == p.SW_OK and len(selected.data) == 8


def test_encoded_answers_match_hand_bytes():
    assert p.encode_answer(0x80) == hexb("AA AA AA 96 69 00 04 00 00 80 84")
    assert p.encode_answer(0x9F, bytes(4)) == hexb("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")


def test_bad_preamble_is_rejected():
    with pytest.raises(p.BadPreamble) as e:
        p.parse_answer(hexb("AA AA AB 96 69 00 04 00 00 80 84"))
    assert e.value.code == "IDCARD_FRAME"


def test_length_field_not_matching_the_frame_is_rejected():
    with pytest.raises(p.BadLength) as e:
        p.parse_answer(hexb("AA AA AA 96 69 00 05 00 00 80 84"))  # says 5, carries 4
    assert e.value.code == "IDCARD_FRAME"


def test_impossible_length_is_rejected():
    with pytest.raises(p.BadLength) as e:
        p.check_length(0xFFFF, p.MIN_ANSWER_LENGTH)
    assert e.value.code == "IDCARD_FRAME"
    with pytest.raises(p.BadLength):
        p.parse_answer(hexb("AA AA AA 96 69 00 02 00 02"))  # shorter than SW1-3 + checksum


def test_bad_checksum_is_rejected_with_a_message_for_the_clerk():
    with pytest.raises(p.BadChecksum) as e:
        p.parse_answer(hexb("AA AA AA 96 69 00 04 00 00 80 85"))
    assert e.value.code == "IDCARD_CHECKSUM"
    assert "校验" in e.value.message and "波特率" in e.value.message


def test_every_known_status_has_a_chinese_message():
    for code in (0x90, 0x91, 0x9F, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x40, 0x41, 0x80, 0x81):
        msg = p.status_message(code)
        assert msg and any("\u4e00" <= ch <= "\u9fff" for ch in msg), hex(code)
    assert "未知" in p.status_message(0x5A)


def test_split_frames_resynchronises_after_noise():
    buf = bytearray(hexb("00 FF 12") + p.encode_command(0x20, 0x01) + hexb("AA AA") + p.encode_command(0x20, 0x02)
                    + p.encode_command(0x30, 0x01)[:6])
    frames = p.split_frames(buf)
    assert [p.parse_command(f).key for f in frames if isinstance(f, bytes)] == [(0x20, 0x01), (0x20, 0x02)]
    assert bytes(buf) == p.encode_command(0x30, 0x01)[:6]  # the partial frame waits for the rest


def test_split_frames_reports_impossible_length_and_goes_on():
    buf = bytearray(hexb("AA AA AA 96 69 FF FF") + p.encode_command(0x20, 0x01))
    out = p.split_frames(buf)
    assert isinstance(out[0], p.FrameError)
    assert p.parse_command(out[1]).key == (0x20, 0x01)


# --- the text block -------------------------------------------------------------------------

def field(value: str, width: int) -> bytes:
    return (value + " " * (width - len(value))).encode("utf-16-le")


def hand_made_read_answer() -> bytes:
    text = b"".join([
        field("张伟", 15), field("1", 1), field("11", 2), field("19780214", 8),
        field("黑龙江省哈尔滨市南岗区示例街1号", 35), field("230103197802140015", 18),
        field("哈尔滨市公安局南岗分局", 15), field("20080105", 8), field("长期", 8), field("", 18),
    ])
    assert len(text) == 256
    photo = bytes(range(256)) * 4
    data = b"\x01\x00\x04\x00" + text + photo
    body = b"\x00\x00\x90" + data
    length = struct.pack(">H", len(body) + 1)
    assert length == b"\x05\x08"  # 1,288: the length every read answer carries
    return b"\xaa\xaa\xaa\x96\x69" + length + body + bytes([xor(length + body)])


def test_read_answer_built_by_hand_gives_every_field():
    answer = p.parse_answer(hand_made_read_answer())
    card = p.parse_base_message(answer.data)
    assert card.name == "张伟"
    assert card.sex == "男"
    assert card.nation == "满"
    assert card.birth == date(1978, 2, 14)
    assert card.address == "黑龙江省哈尔滨市南岗区示例街1号"
    assert card.id_number == "230103197802140015"
    assert card.authority == "哈尔滨市公安局南岗分局"
    assert card.valid_from == date(2008, 1, 5)
    assert card.valid_to is None and card.json_dict()["valid_to"] == "长期"
    assert card.photo_wlt == bytes(range(256)) * 4  # kept exactly as received


def test_encoder_produces_the_hand_made_bytes():
    card = p.parse_base_message(p.parse_answer(hand_made_read_answer()).data)
    assert p.encode_answer(p.SW_OK, p.encode_base_message(card)) == hand_made_read_answer()


@pytest.mark.parametrize("kind", sorted(SAMPLE_CARDS))
def test_sample_cards_round_trip(kind: str):
    card = sample_card(kind)
    assert p.parse_base_message(p.encode_base_message(card)) == card


def test_nation_table_has_the_56_nations_and_the_two_special_codes():
    assert len(NATION_NAMES) == 58
    assert [NATION_NAMES[f"{i:02d}"] for i in (1, 2, 5, 10, 15, 29, 43, 56)] == [
        "汉", "蒙古", "维吾尔", "朝鲜", "土家", "柯尔克孜", "乌孜别克", "基诺"]
    assert NATION_NAMES["97"] == "其他" and NATION_NAMES["98"] == "外国血统中国籍人士"
    assert len(set(NATION_NAMES.values())) == 58
    assert nation_name("1") == "汉" and nation_name("  ") == "" and nation_name("77") == "代码77"


def test_sex_codes():
    fields = dict(zip(["name", "nation", "birth", "address", "id_number", "authority", "valid_from", "valid_to"],
                      ["某", "01", "20000101", "某地", "1" * 18, "某局", "20200101", "20300101"], strict=True))
    for code, name in (("1", "男"), ("2", "女"), ("0", "未知"), ("9", "未说明")):
        card = p.card_from_text(p.encode_text_fields({**fields, "sex": code}))
        assert card.sex == name


def test_a_bad_birth_date_is_a_data_error_not_a_crash():
    text = p.encode_text_fields({"name": "某", "sex": "1", "nation": "01", "birth": "19781340", "address": "某地",
                                 "id_number": "1" * 18, "authority": "某局", "valid_from": "20200101",
                                 "valid_to": "20300101"})
    with pytest.raises(DeviceError) as e:
        p.card_from_text(text)
    assert e.value.code == "IDCARD_DATA" and "出生日期" in e.value.message


def test_foreigner_card_is_refused_rather_than_misread():
    data = p.encode_base_message(sample_card(), card_kind="I")
    with pytest.raises(DeviceError) as e:
        p.parse_base_message(data)
    assert e.value.code == "IDCARD_UNSUPPORTED"


def test_lengths_beyond_the_data_are_a_data_error():
    with pytest.raises(DeviceError) as e:
        p.parse_base_message(b"\x01\x00\x04\x00" + bytes(300))
    assert e.value.code == "IDCARD_DATA"


def test_too_long_a_name_cannot_be_encoded():
    with pytest.raises(ValueError):
        p.encode_text_fields({"name": "名" * 16, "sex": "1", "nation": "01", "birth": "20000101", "address": "",
                              "id_number": "", "authority": "", "valid_from": "20000101", "valid_to": "长期"})


cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=15)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@settings(max_examples=60, deadline=None)
@given(name=cjk, address=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=35),
       sex=st.sampled_from(["男", "女", "未知", "未说明"]), nation=st.sampled_from(sorted(NATION_NAMES.values())),
       birth=dates, valid_from=dates, valid_to=st.none() | dates,
       id_number=st.from_regex(r"\A[0-9]{17}[0-9X]\Z"), photo=st.binary(max_size=1024))
def test_any_card_round_trips_through_the_wire_format(name, address, sex, nation, birth, valid_from, valid_to,
                                                       id_number, photo):
    card = IdCard(name, sex, nation, birth, address, id_number, "某市公安局", valid_from, valid_to, photo)
    frame = p.encode_answer(p.SW_OK, p.encode_base_message(card))
    assert p.parse_base_message(p.parse_answer(frame).data) == card
