"""What the platform publishes for the terminal: the catalog, calendars, number blocks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from sync.contract.wire import MAX_BLOCK_SIZE, ContractModel, OptionalDate

# --- catalog -------------------------------------------------------------------------------


class CatalogMaterial(ContractModel):
    """One required material, as in the catalog file (app/catalog_format.py)."""

    code: str
    name: str
    required: bool = True
    form: Literal["原件", "复印件", "原件和复印件"]
    copies: int = Field(ge=0)
    media: Literal["纸质", "电子", "纸质或电子"]
    tolerable: bool = False  # 容缺
    platform_verifiable: bool = False  # 免提交
    notes: str = ""


class SpecialProcedure(ContractModel):
    name: str
    limit_days: int = Field(ge=0)


class CatalogItem(ContractModel):
    """One service item in the catalog file shape (schema clerkdesk.catalog/v1). The platform
    validates its items with this model; changes carry them as plain dicts (see ItemUpsert)."""

    implementation_code: str = Field(min_length=1)
    basic_code: str = ""
    name: str = Field(min_length=1)
    item_type: str
    department: str
    handling_kind: Literal["即办件", "承诺件"]
    legal_basis: str
    acceptance_conditions: str
    process: str
    legal_limit_days: int = Field(ge=0)
    committed_limit_days: int = Field(ge=0)
    fee_basis: str
    handling_form: str
    visits: int = Field(ge=0)
    result_sample: str
    consultation: str
    status: Literal["active", "suspended", "terminated"] = "active"
    status_reason: str = ""
    status_since: OptionalDate = None  # written "" when none, like the catalog file
    revision: int = Field(default=1, ge=1)
    special_procedures: list[SpecialProcedure] = []
    materials: list[CatalogMaterial]


class ItemUpsert(ContractModel):
    """A new item or a new revision of one. `item` is the whole item as a catalog-file dict
    (CatalogItem shape). It is a dict on purpose: the terminal validates item by item
    (app.catalog_format.parse_item), so one malformed item cannot stop a whole page."""

    kind: Literal["upsert"] = "upsert"
    item: dict[str, Any]


class ItemStatusChange(ContractModel):
    """An item suspended, resumed (status "active") or terminated — 永昌办法 第十三/十四条.
    `since` is the date it takes effect (from 00:00 Beijing time). `item` is the whole item as
    it now stands, status fields already changed and revision NOT raised, so a terminal can
    apply it like an upsert (app: same revision + other status = a status change)."""

    kind: Literal["status"] = "status"
    implementation_code: str
    status: Literal["active", "suspended", "terminated"]
    reason: str = ""
    since: date
    item: dict[str, Any]


CatalogChange = Annotated[ItemUpsert | ItemStatusChange, Field(discriminator="kind")]


class CatalogChangesPage(ContractModel):
    """GET /catalog/changes?since=CURSOR&limit=N — changes in the order they happened."""

    changes: list[CatalogChange]
    next_cursor: str
    has_more: bool
    revision: str = ""  # the platform's catalog revision, for the terminal's "目录版本"


# --- calendars -----------------------------------------------------------------------------


class CalendarFile(ContractModel):
    """GET /calendars/{year} — the calendar file app.rules.workdays.parse_calendar_file reads
    (schema clerkdesk.calendar/v1): weekdays off (法定节假日) and weekend days worked (调休)."""

    schema_: Literal["clerkdesk.calendar/v1"] = Field("clerkdesk.calendar/v1", alias="schema")
    year: int
    holidays: list[date]
    workdays: list[date]


# --- number blocks -------------------------------------------------------------------------


class NumberBlockRequest(ContractModel):
    """POST /number-blocks: lease the next block of official serials for the terminal's area."""

    request_id: str = Field(min_length=8, max_length=64)  # made by the terminal (uuid4), kept until answered
    year: int = Field(ge=2000, le=2999)
    size: int = Field(ge=1, le=MAX_BLOCK_SIZE)


class NumberBlock(ContractModel):
    """Serials first..last (inclusive) of prefix = area_code (6) + year (4), for this terminal
    only: the platform never gives an overlapping block to anyone."""

    lease_id: str
    prefix: str = Field(pattern=r"^\d{10}$")
    year: int
    first: int = Field(ge=1)
    last: int = Field(ge=1)



