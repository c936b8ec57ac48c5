"""Official case numbers from leased blocks, so a number issued offline is already final."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from app.context import AppContext
from app.rules.case_number import make_case_number, number_prefix
from app.rules.problems import Problem, RuleError
from app.storage.models import NumberBlock
from app.storage.prepared import Prepared
from app.unit_of_work import UnitOfWork

# The demo terminal's block sits at the top of the serial range, far from real ones.
DEMO_BLOCK = (9_000_001, 9_999_999)


_BLOCKS = NumberBlock.__table__
_OPEN = (select(_BLOCKS.c.id).where(_BLOCKS.c.prefix == bindparam("open_prefix"), _BLOCKS.c.exhausted.is_(False))
         .order_by(_BLOCKS.c.id).limit(1).scalar_subquery())
# Advance the oldest open block of the prefix and say which serial was taken, and the block's
# last. Only `next` is set: setting `exhausted` too, even to the same value, would rewrite its
# index entry, one more page in every save's commit (migration 0015).
_TAKE = Prepared(update(_BLOCKS).where(_BLOCKS.c.id == _OPEN).values(next=_BLOCKS.c.next + 1)
                 .returning(_BLOCKS.c.id, _BLOCKS.c.next - 1, _BLOCKS.c.last))
_EXHAUST = Prepared(update(_BLOCKS).where(_BLOCKS.c.id == bindparam("block_id")).values(exhausted=True))


def take_number(uow: UnitOfWork) -> str:
    """The next number of the oldest open block for this year, inside the caller's transaction
    (which holds the write lock, so no other writer can take the same one). Taking a block's
    last number closes the block in the same transaction."""
    prefix = number_prefix(uow.settings.get("area_code"), uow.today.year)
    taken = _TAKE.rows(uow.connection, {"open_prefix": prefix})  # no ORM flush
    if not taken:  # no open block: nothing was updated
        raise RuleError(
            Problem("NUMBERS_EXHAUSTED", "本机没有可用的办件编号（号段已用完）。请联网领取新号段后再收件，已录入的内容不会丢失。")
        )
    block_id, serial, last = taken[0]
    if serial >= last:
        _EXHAUST.run(uow.connection, {"block_id": block_id})
    return make_case_number(prefix, serial)


def remaining_numbers(ctx: AppContext) -> int:
    prefix = number_prefix(ctx.settings.get("area_code"), ctx.today().year)
    with ctx.read() as s:
        rows = s.execute(
            select(func.coalesce(func.sum(NumberBlock.last - NumberBlock.next + 1), 0)).where(
                NumberBlock.prefix == prefix, NumberBlock.exhausted.is_(False)
            )
        ).scalar()
    return int(rows or 0)


def add_block(uow: UnitOfWork, year: int, first: int, last: int, source: str) -> NumberBlock:
    block = NumberBlock(prefix=number_prefix(uow.settings.get("area_code"), year), first=first, last=last, next=first,
                        source=source, leased_at=uow.now)
    uow.session.add(block)
    return block
