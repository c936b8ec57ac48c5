"""Number blocks: never overlapping across terminals; a retried lease gets the same block."""

from __future__ import annotations

import uuid

from sync.contract import PATH_NUMBER_BLOCKS, NumberBlock
from tests.sandbox.conftest import register


def lease(terminal, year: int = 2026, size: int = 100, request_id: str | None = None):
    return terminal.post(PATH_NUMBER_BLOCKS, {"request_id": request_id or str(uuid.uuid4()), "year": year, "size": size})


def test_blocks_of_two_terminals_never_overlap(sandbox):
    a, b = register(sandbox, "T-A"), register(sandbox, "T-B")
    blocks = [NumberBlock.model_validate(lease(t, size=s).json()) for t, s in [(a, 100), (b, 50), (a, 7), (b, 300)]]
    assert {blk.prefix for blk in blocks} == {"6203212026"}
    serials = [n for blk in blocks for n in range(blk.first, blk.last + 1)]
    assert len(serials) == len(set(serials)) == 457
    assert min(serials) == 1


def test_other_area_and_year_have_their_own_counters(sandbox):
    here, there = register(sandbox, "T-A", "620321"), register(sandbox, "T-Z", "620302")
    x = lease(here).json()
    y = lease(there).json()
    z = lease(here, year=2027).json()
    assert (x["prefix"], y["prefix"], z["prefix"]) == ("6203212026", "6203022026", "6203212027")
    assert x["first"] == y["first"] == z["first"] == 1


def test_retried_request_returns_the_same_block(terminal):
    rid = str(uuid.uuid4())
    first = lease(terminal, request_id=rid).json()
    again = lease(terminal, request_id=rid).json()
    assert again == first
    after = lease(terminal).json()
    assert after["first"] == first["last"] + 1


def test_request_id_reused_for_another_lease_is_refused(terminal):
    rid = str(uuid.uuid4())
    lease(terminal, request_id=rid, size=10)
    r = lease(terminal, request_id=rid, size=20)
    assert r.status_code == 409 and r.json()["code"] == "LEASE_REQUEST_REUSED"


def test_platform_serials_stay_below_the_demo_block(terminal):
    lease(terminal, size=100_000)
    for _ in range(88):
        assert lease(terminal, size=100_000).status_code == 200
    r = lease(terminal, size=100_000)  # 8,900,000 leased; 8,999,999 is the highest official serial
    assert r.status_code == 409 and r.json()["code"] == "NUMBERS_EXHAUSTED"
    last = lease(terminal, size=99_999).json()
    assert last["last"] == 8_999_999
