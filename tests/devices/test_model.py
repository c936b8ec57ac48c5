"""What the clerk relies on from a card: expiry, warnings, the JSON fields, no ID number in logs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from devices.idcard.model import id_number_checksum_ok
from devices.idcard.simulator import sample_card


def test_a_card_is_valid_through_its_end_date_and_expired_the_day_after():
    card = sample_card("standard")  # valid to 2035-06-01
    assert not card.expired(date(2035, 6, 1))
    assert card.expired(date(2035, 6, 2))


def test_a_long_term_card_never_expires():
    card = sample_card("long_term")
    assert card.long_term and not card.expired(date(2099, 12, 31))


def test_expired_card_warns_the_clerk_in_chinese():
    warnings = sample_card("expired").warnings(date(2026, 11, 20))
    assert len(warnings) == 1 and "已过有效期" in warnings[0] and "2016年04月10日" in warnings[0]
    assert sample_card("standard").warnings(date(2026, 11, 20)) == []


def test_wrong_check_digit_and_private_use_characters_are_flagged():
    card = replace(sample_card("standard"), id_number="110101199003070021", name="李\ue234梅")
    text = "".join(card.warnings(date(2026, 1, 1)))
    assert "校验位" in text and "生僻字" in text
    assert id_number_checksum_ok("11010519491231002X")  # the example of GB 11643


def test_json_dict_has_exactly_the_documented_fields():
    d = sample_card("long_term").json_dict()
    assert list(d) == ["name", "sex", "nation", "birth", "address", "id_number", "authority", "valid_from",
                       "valid_to"]
    assert d["birth"] == "1960-05-12" and d["valid_to"] == "长期" and d["nation"] == "蒙古"
    assert sample_card("standard").json_dict()["valid_to"] == "2035-06-01"


def test_repr_never_shows_the_full_id_number_or_address():
    card = sample_card("standard")
    text = repr(card)
    assert card.id_number not in text and card.address not in text
    assert "110101********002X" in text


def test_every_driver_and_simulator_offers_the_one_interface():
    from devices.camera import DocumentCamera, FolderCamera
    from devices.idcard import IdCardReader
    from devices.idcard.sam_serial import SamSerialReader
    from devices.idcard.simulator import SimulatedReader

    assert isinstance(SimulatedReader(), IdCardReader)
    assert isinstance(SamSerialReader("/dev/ttyUSB0"), IdCardReader)  # opens nothing until read()
    assert isinstance(FolderCamera(), DocumentCamera)
