"""Leasing blocks of official case-number serials. One counter per prefix (area + year): two
terminals of the same area draw from the same counter, so blocks never overlap. A lease is
remembered by (terminal, request_id): asking again returns the same block."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import clock
from sandbox.auth import Principal
from sandbox.errors import PlatformProblem
from sandbox.store import Lease, NumberCounter
from sync.contract import MAX_PLATFORM_SERIAL, ErrorCode, NumberBlock, NumberBlockRequest


def _as_block(lease: Lease) -> NumberBlock:
    return NumberBlock(lease_id=lease.lease_id, prefix=lease.prefix, year=lease.year, first=lease.first, last=lease.last)


def lease_block(s: Session, who: Principal, req: NumberBlockRequest) -> NumberBlock:
    earlier = s.scalars(select(Lease).where(Lease.terminal_id == who.terminal_id, Lease.request_id == req.request_id)).first()
    if earlier is not None:
        if (earlier.year, earlier.size) != (req.year, req.size):
            raise PlatformProblem(409, ErrorCode.LEASE_REQUEST_REUSED,
                                  "同一个申请编号已用于另一次号段申请（年度或数量不同），请用新的申请编号。")
        return _as_block(earlier)
    prefix = f"{who.area_code}{req.year:04d}"
    counter = s.get(NumberCounter, prefix)
    if counter is None:
        counter = NumberCounter(prefix=prefix, next_serial=1)
        s.add(counter)
    first = counter.next_serial
    last = first + req.size - 1
    if last > MAX_PLATFORM_SERIAL:
        raise PlatformProblem(409, ErrorCode.NUMBERS_EXHAUSTED,
                              f"{req.year}年本地区可分配的办件编号已不足 {req.size} 个，请联系平台管理员。")
    counter.next_serial = last + 1
    lease = Lease(lease_id=str(uuid.uuid4()), terminal_id=who.terminal_id, request_id=req.request_id, prefix=prefix,
                  year=req.year, size=req.size, first=first, last=last, leased_at=clock.stored(clock.now()))
    s.add(lease)
    return _as_block(lease)
