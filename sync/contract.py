"""The platform contract, version 1: every path and every JSON body the terminal (`sync/`)
and the platform (the real one, or `sandbox/`) exchange. Pydantic v2 models only — no HTTP
library and no app import — so both sides import this one module and cannot drift apart.

Formats (one for the whole API)
-------------------------------
- JSON, UTF-8, under ``/api/v1``. Unknown fields in a request body are ignored, so a newer
  terminal can talk to an older platform of the same version.
- Dates: ``YYYY-MM-DD`` (``date``), China calendar dates.
- Timestamps: ISO 8601 with seconds (microseconds when not zero) and the offset ``+08:00``
  (``2026-11-20T09:30:00+08:00``). The platform always SENDS ``+08:00``. It ACCEPTS any
  offset, and a timestamp without offset is read as Beijing time (the terminal stores China
  time naive, app/context.py). See ``Timestamp``.
- Case numbers, implementation codes, area codes, ids and cursors are JSON strings, never
  numbers (leading zeros and 18+ digits must survive every JSON parser). Serial numbers of
  number blocks (``first``/``last``) are JSON integers (at most 7 digits).
- Cursors are opaque strings; ``""`` (or leaving ``since`` out) means "from the beginning".
  A page answers ``next_cursor`` (pass it as ``since`` next time) and ``has_more``.
- Errors: every non-2xx answer has the body ``ErrorBody`` {code, message}: ``code`` an
  upper-case constant for the log (see ``ErrorCode``), ``message`` a sentence in Chinese a
  clerk can read. 503 (maintenance) carries ``Retry-After`` in seconds.

Authentication
--------------
1. ``POST /api/v1/terminals/register`` (no token) with an enrolment code (注册码) →
   ``TerminalRegistered``: a long-lived ``terminal_secret``, a first short-lived ``token`` and
   the terminal's identity. Two kinds of code:

   - **one-time code** (production): the platform issued it for ONE terminal (the county's
     administrator, or ``clerkdesk-sandbox --data-dir DIR enrolment-code --hall H --window W``).
     The request carries only the code; ``terminal_id``, ``area_code`` and ``name`` in the
     request are ignored. The PLATFORM assigns the terminal id, hall or station, window, desk
     kind, area code, the terminal's two-digit code inside document numbers (文号; unique among
     the area's terminals, retired ones included, so two terminals never print the same 文号),
     the names printed on notices (county, review body, court) and a first block of case
     numbers (``number_block``, ``first_block_size`` numbers of this year). A used code is
     refused (403 ``ENROLMENT_USED``); it never enrols a second terminal.
   - **standing code** (demo and training only; a production platform has none): the request
     names ``terminal_id``, ``area_code`` and ``name`` itself, as contract v1 first did;
     registering the same id again replaces its secret (the demo re-registers on every
     start). It can never take over a terminal id that was enrolled with a one-time code
     (403 ``ENROLMENT_INVALID``). No number block comes with it (the demo has its own).
   Wrong codes are rate-limited per client address: after ``ENROLMENT_ATTEMPTS_PER_MINUTE``
   wrong codes within a minute every attempt (right or wrong) is answered 429
   ``ENROLMENT_RATE_LIMITED`` with ``Retry-After`` (seconds) until the minute has passed.
2. ``POST /api/v1/terminals/token`` {terminal_id, terminal_secret} → ``AccessToken``: a fresh
   token when the old one expired (401 ``TOKEN_EXPIRED``). This is the client's re-login.
3. ``POST /api/v1/sessions`` (terminal token) {username, password} → ``ClerkSession``: checks a
   clerk's password online (the terminal then caches an argon2 hash for offline login); 401
   ``LOGIN_FAILED`` on bad credentials. Its token may also be used like a terminal token.
Every other /api/v1 path except health needs ``Authorization: Bearer <token>``. Tokens expire
after a platform setting (short in tests): 401 ``TOKEN_EXPIRED``; an unknown one gives 401
``TOKEN_INVALID``, none at all 401 ``TOKEN_MISSING``.

Re-enrolment (a replaced PC)
----------------------------
The administrator asks the platform for a new one-time code *replacing* the old terminal
(``enrolment-code --replaces OLD_ID``). Enrolling with it makes a NEW terminal (new id, new
document-number code, new number block — the new PC's own 文号 serials start again, so it
must not reuse the old code) that takes over the old one's hall and window and SUCCEEDS it:
it may act on, and is served the progress of, every case the old terminal received. The old
terminal is RETIRED at that moment: its tokens die; for ``RETIRED_PUSH_DAYS`` days its
credential still gets tokens, but only to push its already-queued events (``events:batch``;
every other path answers 403 ``TERMINAL_RETIRED``), and only events that happened before it
was retired (a later one is rejected ``TERMINAL_RETIRED``). After that its credential is
refused (401 ``TERMINAL_RETIRED``). So a dead PC's queue is pushed by starting it once
within the grace period; nothing is exported by hand.

Binding every request to the terminal
-------------------------------------
The platform takes the terminal from the token, never from a body: an event's
``terminal_id`` field is informational and ignored (the applied event is recorded under the
token's terminal). A terminal may send events for, and is served progress of, a case only
when it is *entitled* to it:

- it received the case (``case.receive`` came with its token), or its predecessor did
  (re-enrolment above);
- it is a pick-up desk (``desk`` = ``pickup``) of the hall that received the case: a hall's
  cases are handed to its own 发证窗口 when concluded, so the hall's pick-up terminals may act
  on (collect, mail) and see the progress of every case of their hall;
- the case was handed over to the terminal's hall (a station's 代收代办 case received at the
  county: the platform records ``handed_to_hall``), for every terminal of that hall.
Any other event is rejected ``CASE_NOT_ENTITLED`` (the case's owner is not told who tried).
A ``case.receive`` from a one-time-enrolled terminal must use a number of a block leased to
it (or its predecessor): anything else is rejected ``NUMBER_NOT_LEASED``.

Idempotency
-----------
- Events: ``event_id`` is unique on the platform. Sending an event again (a lost answer, a
  crash mid-batch) answers ``duplicate`` and changes nothing. Results come one per event, in
  the order sent; a rejected event never stops the ones after it.
- Number blocks: the terminal makes a ``request_id`` per lease and keeps it until it has the
  answer; asking again with the same id returns the same block (no block is burnt twice).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

CONTRACT_VERSION = "v1"
API_PREFIX = "/api/v1"
CHINA = timezone(timedelta(hours=8), "+08:00")  # fixed offset: no tz database needed on either side

# --- paths ---------------------------------------------------------------------------------

PATH_HEALTH = f"{API_PREFIX}/health"
PATH_REGISTER_TERMINAL = f"{API_PREFIX}/terminals/register"
PATH_TERMINAL_TOKEN = f"{API_PREFIX}/terminals/token"
PATH_SESSIONS = f"{API_PREFIX}/sessions"
PATH_CATALOG_CHANGES = f"{API_PREFIX}/catalog/changes"  # GET ?since=CURSOR&limit=N
PATH_CALENDAR = f"{API_PREFIX}/calendars/{{year}}"  # GET; 404 CALENDAR_UNKNOWN for a year without one
PATH_NUMBER_BLOCKS = f"{API_PREFIX}/number-blocks"
PATH_EVENTS_BATCH = f"{API_PREFIX}/events:batch"
PATH_PROGRESS = f"{API_PREFIX}/progress"  # GET ?since=CURSOR&limit=N

ALL_PATHS = (
    PATH_HEALTH, PATH_REGISTER_TERMINAL, PATH_TERMINAL_TOKEN, PATH_SESSIONS, PATH_CATALOG_CHANGES,
    PATH_CALENDAR, PATH_NUMBER_BLOCKS, PATH_EVENTS_BATCH, PATH_PROGRESS,
)


def calendar_path(year: int) -> str:
    return PATH_CALENDAR.format(year=year)


DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 2000  # a larger `limit` is answered with this many
MAX_EVENTS_PER_BATCH = 1000  # more is refused whole (413 BATCH_TOO_LARGE): split the batch
MAX_BLOCK_SIZE = 100_000
# Platform serials stay below the terminals' demo block (app: 9,000,001–9,999,999), so a
# number issued in demo mode can never equal an official one.
MAX_PLATFORM_SERIAL = 8_999_999
ENROLMENT_ATTEMPTS_PER_MINUTE = 5  # wrong enrolment codes per client address before 429
RETIRED_PUSH_DAYS = 30  # a replaced terminal may still push its queued events this long
DEFAULT_FIRST_BLOCK_SIZE = 1000

# --- formats -------------------------------------------------------------------------------


def parse_timestamp(value: Any) -> datetime:
    """A contract timestamp as an aware datetime; no offset means Beijing time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if not isinstance(value, datetime):
        raise ValueError("时间应为 ISO 8601 格式，例如 2026-11-20T09:30:00+08:00")
    return value.replace(tzinfo=CHINA) if value.tzinfo is None else value


def format_timestamp(value: datetime) -> str:
    """The one way the platform writes a timestamp: ISO 8601 at +08:00."""
    aware = value.replace(tzinfo=CHINA) if value.tzinfo is None else value
    return aware.astimezone(CHINA).isoformat()


def _date_or_none(value: Any) -> Any:
    return None if value in ("", None) else value


Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp), PlainSerializer(format_timestamp, return_type=str)]
OptionalDate = Annotated[date | None, BeforeValidator(_date_or_none)]


class ContractModel(BaseModel):
    """Ignore unknown fields (forward compatible within v1); validate on assignment too."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True, populate_by_name=True)


# --- errors --------------------------------------------------------------------------------


class ErrorCode(StrEnum):
    """`code` of ErrorBody (whole request refused) and of a rejected event (EventResult)."""

    # whole request
    BAD_REQUEST = "BAD_REQUEST"  # 422: the body or a parameter does not match this contract
    TOKEN_MISSING = "TOKEN_MISSING"  # 401
    TOKEN_INVALID = "TOKEN_INVALID"  # 401
    TOKEN_EXPIRED = "TOKEN_EXPIRED"  # 401: get a new one (terminals/token), then repeat
    LOGIN_FAILED = "LOGIN_FAILED"  # 401: wrong username or password
    TERMINAL_CREDENTIAL_INVALID = "TERMINAL_CREDENTIAL_INVALID"  # 401: terminals/token with a bad secret
    ENROLMENT_INVALID = "ENROLMENT_INVALID"  # 403: wrong enrolment code
    ENROLMENT_USED = "ENROLMENT_USED"  # 403: a one-time code already enrolled a terminal
    ENROLMENT_RATE_LIMITED = "ENROLMENT_RATE_LIMITED"  # 429 + Retry-After: too many wrong codes
    TERMINAL_RETIRED = "TERMINAL_RETIRED"  # 401/403: replaced by a re-enrolled terminal (see above)
    DOCUMENT_CODES_EXHAUSTED = "DOCUMENT_CODES_EXHAUSTED"  # 409: the area has used all 99 document codes
    CALENDAR_UNKNOWN = "CALENDAR_UNKNOWN"  # 404
    NOT_FOUND = "NOT_FOUND"  # 404
    NUMBERS_EXHAUSTED = "NUMBERS_EXHAUSTED"  # 409: no serials left for that prefix and year
    LEASE_REQUEST_REUSED = "LEASE_REQUEST_REUSED"  # 409: same request_id, different year or size
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"  # 413
    MAINTENANCE = "MAINTENANCE"  # 503 + Retry-After
    SERVER_ERROR = "SERVER_ERROR"  # 5xx
    # one event rejected (EventResult.code)
    EVENT_INVALID = "EVENT_INVALID"  # missing id/kind/case number, or data not as the kind needs
    KIND_UNKNOWN = "KIND_UNKNOWN"
    ITEM_UNKNOWN = "ITEM_UNKNOWN"
    ITEM_SUSPENDED = "ITEM_SUSPENDED"  # the item was suspended on the platform at occurred_at
    ITEM_TERMINATED = "ITEM_TERMINATED"
    CASE_UNKNOWN = "CASE_UNKNOWN"  # an event for a case the platform never received
    CASE_EXISTS = "CASE_EXISTS"  # case.receive for a number already received (another event id)
    CASE_TRANSITION_NOT_ALLOWED = "CASE_TRANSITION_NOT_ALLOWED"  # the platform's state of the case forbids it
    CASE_NOT_ENTITLED = "CASE_NOT_ENTITLED"  # the case is neither this terminal's nor handed to it
    NUMBER_NOT_LEASED = "NUMBER_NOT_LEASED"  # case.receive with a number outside the terminal's blocks


class ErrorBody(ContractModel):
    """The body of every non-2xx answer."""

    code: str
    message: str  # Chinese, for the clerk


# --- health --------------------------------------------------------------------------------


class Health(ContractModel):
    status: Literal["ok"] = "ok"
    contract: str = CONTRACT_VERSION
    platform: str = ""  # which platform answers (e.g. "sandbox")
    time: Timestamp  # the platform's clock, for the log when a terminal's clock is off


# --- terminals and clerks ------------------------------------------------------------------


class TerminalRegistration(ContractModel):
    """POST /terminals/register. With a one-time code only `enrolment_code` (and optionally
    `first_block_size`) counts; terminal_id, area_code and name are for the standing demo code."""

    enrolment_code: str = Field(default="", max_length=64)  # 注册码 from the county's administrator
    terminal_id: str = Field(default="", max_length=64)
    area_code: str = Field(default="", pattern=r"^(\d{6})?$")  # 行政区划代码: the prefix of case numbers
    name: str = Field(default="", max_length=100)  # e.g. 河西堡镇便民服务中心
    first_block_size: int = Field(default=DEFAULT_FIRST_BLOCK_SIZE, ge=0, le=MAX_BLOCK_SIZE)


class AccessToken(ContractModel):
    token: str
    expires_at: Timestamp


Desk = Literal["window", "pickup"]


class TerminalRegistered(AccessToken):
    """Answer to registration: keep terminal_secret (for new tokens) and use token now. The
    identity fields are the platform's assignment (one-time code); with the standing demo code
    they echo the request and `number_block` is None."""

    terminal_id: str
    terminal_secret: str
    area_code: str = ""
    hall: str = ""  # hall or station (政务服务中心 / 便民服务中心), as printed on notices
    window: str = ""  # the window or desk inside it
    desk: Desk = "window"  # "pickup": the hall's 发证窗口 (entitled to the hall's cases)
    document_code: str = Field(default="", pattern=r"^(\d{2})?$")  # inside 文号: 第{code}{serial:05d}号
    county: str = ""
    review_body: str = ""  # 复议机关 named on rejection notices
    court: str = ""  # 人民法院 named on rejection notices
    replaces: str = ""  # the retired terminal this one succeeds (re-enrolment), else ""
    number_block: NumberBlock | None = None


class TerminalTokenRequest(ContractModel):
    """POST /terminals/token: a new token for a registered terminal."""

    terminal_id: str
    terminal_secret: str


class SessionRequest(ContractModel):
    """POST /sessions (terminal token): a clerk's online login."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Clerk(ContractModel):
    username: str
    display_name: str
    role: Literal["clerk", "station", "pickup", "supervisor", "admin"]  # app.permissions.Role values
    window_no: str  # the window or station the clerk works at, as printed on notices


class ClerkSession(AccessToken):
    clerk: Clerk


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


TerminalRegistered.model_rebuild()  # its number_block is a NumberBlock, defined just above


# --- events --------------------------------------------------------------------------------


# --- the case workflow both sides agree on ------------------------------------------------------
# States and moves of a case as the platform knows them. The terminal's own table
# (app/case_states.py CASE_WORKFLOW) has more columns (permissions, documents); every move it
# reports or receives must be one of these — tests/test_contract_agreement.py holds them equal.
# The sandbox applies exactly this table.

CASE_STATES = ("received", "awaiting_supplement", "rejected", "accepted", "in_progress", "suspended",
               "concluded_approved", "concluded_denied", "awaiting_pickup", "collected", "mailed", "withdrawn")
CaseState = Literal["received", "awaiting_supplement", "rejected", "accepted", "in_progress", "suspended",
                    "concluded_approved", "concluded_denied", "awaiting_pickup", "collected", "mailed", "withdrawn"]

# (from, action, to); "" = the case does not exist yet. `by`: who reports the move —
# "terminal" (an event the terminal sends), "platform" (progress the platform reports), or both.
CASE_TRANSITIONS: tuple[tuple[str, str, str, str], ...] = (
    ("", "receive", "received", "terminal"),
    ("received", "accept", "accepted", "terminal"),
    ("received", "request_supplement", "awaiting_supplement", "terminal"),
    ("received", "reject", "rejected", "terminal"),
    ("received", "correct_on_spot", "received", "terminal"),
    ("received", "deem_accepted", "accepted", "terminal"),
    ("received", "withdraw", "withdrawn", "terminal"),
    ("awaiting_supplement", "resubmit", "received", "terminal"),
    ("awaiting_supplement", "withdraw", "withdrawn", "terminal"),
    ("accepted", "start_processing", "in_progress", "both"),
    ("accepted", "withdraw", "withdrawn", "terminal"),
    ("in_progress", "suspend_clock", "suspended", "terminal"),
    ("suspended", "resume_clock", "in_progress", "both"),
    ("in_progress", "conclude_approved", "concluded_approved", "platform"),
    ("in_progress", "conclude_denied", "concluded_denied", "platform"),
    ("in_progress", "withdraw", "withdrawn", "terminal"),
    ("concluded_approved", "certificate_ready", "awaiting_pickup", "platform"),
    ("awaiting_pickup", "collect", "collected", "terminal"),
    ("awaiting_pickup", "mail", "mailed", "terminal"),
)
TERMINAL_ACTIONS = frozenset(a for _f, a, _t, by in CASE_TRANSITIONS if by in ("terminal", "both"))
PLATFORM_ACTIONS = frozenset(a for _f, a, _t, by in CASE_TRANSITIONS if by in ("platform", "both"))


# --- what each event carries ----------------------------------------------------------------------
# One model per event kind ("case.<action>"); the terminal's app/events.py has the same fields.

# Free text in events: the terminal's limits (app/rules/text.py LIMITS, in characters) copied
# here — this module imports nothing from app/; tests/test_text_limits.py holds them equal.
# An event breaking one is rejected EVENT_INVALID.
TEXT_LIMITS: dict[str, int] = {
    "party_name": 100,  # a person's name (50) or an organisation's (100)
    "legal_rep": 50,
    "id_type": 20,
    "id_number": 40,
    "phone": 30,
    "address": 200,
    "authorisation": 500,
    "material_name": 200,
    "reused_from_case": 32,
    "clerk_note": 200,
    "problem_note": 300,
    "reject_reason": 1000,
    "competent_agency": 100,
    "correction_field": 50,
    "correction_before": 200,
    "correction_after": 200,
    "procedure": 40,
    "window_no": 20,
    "item_code": 64,  # the catalog's implementation code (实施编码)
    "ground": 40,
    "ground_label": 100,
    "remedy": 1000,  # made by the terminal from its settings (review body, court)
    "move_note": 5000,  # a decision's note, a withdrawal's reason, every correction of a 当场更正
}
MULTILINE_TEXT = frozenset({"authorisation", "clerk_note", "problem_note", "reject_reason", "remedy", "move_note"})
MAX_MATERIALS = 100  # material lines in one event
MAX_CORRECTIONS = 10


def _hidden_character(value: str, multiline: bool) -> str | None:
    """The first control, invisible (zero-width, bidi, BOM) or broken character (lone
    surrogate, noncharacter) — the same set the terminal refuses at the form."""
    if value.isascii() and value.isprintable():
        return None
    for c in value:
        cp = ord(c)
        if c == "\n" and multiline:
            continue
        if (0xD800 <= cp <= 0xDFFF or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE or cp in (0xFFFC, 0xFFFD)
                or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")):
            return c
    return None


def _plain(multiline: bool):  # noqa: ANN202
    def check(value: str) -> str:
        c = _hidden_character(value, multiline)
        if c is not None:
            raise ValueError(f"含有控制字符或不可见字符 U+{ord(c):04X}")
        return value
    return check


def _text(key: str) -> Any:
    """str of at most TEXT_LIMITS[key] characters, without control or invisible characters."""
    return Annotated[str, Field(max_length=TEXT_LIMITS[key]), AfterValidator(_plain(key in MULTILINE_TEXT))]


class EventParty(ContractModel):
    kind: Literal["person", "organisation"]
    name: Annotated[_text("party_name"), Field(min_length=1)]
    id_type: _text("id_type")
    id_number: _text("id_number")
    phone: _text("phone")
    address: _text("address")
    legal_rep: _text("legal_rep")


class EventMaterial(ContractModel):
    name: Annotated[_text("material_name"), Field(min_length=1)]
    provided: Literal["original", "copy", "electronic", "none"]
    pages: int = Field(ge=0)
    copies: int = Field(ge=0)
    reused_from_case: _text("reused_from_case")
    platform_verified: bool
    tolerated: bool
    promise_date: OptionalDate
    clerk_note: _text("clerk_note")
    problem: Literal["", "missing", "incorrect"]
    problem_note: _text("problem_note")
    round: int = Field(ge=1)
    scans: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(default=[], max_length=200)  # page SHA-256s


class EventTolerated(ContractModel):
    name: _text("material_name")
    promise_date: date


class EventSupplement(ContractModel):
    name: _text("material_name")
    kind: Literal["missing", "incorrect"]
    note: _text("problem_note")


class EventCorrection(ContractModel):
    field: _text("correction_field")
    before: _text("correction_before")
    after: _text("correction_after")


class CaseReceivedData(ContractModel):
    item_code: Annotated[_text("item_code"), Field(min_length=1)]
    item_revision: int = Field(ge=1)
    channel: Literal["window", "station"]
    applicant: EventParty
    agent: EventParty | None
    authorisation: _text("authorisation")
    window_no: _text("window_no")
    materials: list[EventMaterial] = Field(max_length=MAX_MATERIALS)


class CaseMovedData(ContractModel):
    from_: CaseState = Field(alias="from")
    to: CaseState
    round: int = Field(ge=1)
    note: _text("move_note")


class CaseAcceptedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)
    tolerated: list[EventTolerated] = Field([], max_length=MAX_MATERIALS)


class SupplementRequestedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)
    supplement: list[EventSupplement] = Field([], max_length=MAX_MATERIALS)


class CaseRejectedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)
    ground: _text("ground") = ""
    ground_label: _text("ground_label") = ""
    reason: _text("reject_reason") = ""
    competent_agency: _text("competent_agency") = ""
    remedy: _text("remedy") = ""


class CorrectedOnSpotData(CaseMovedData):
    corrections: list[EventCorrection] = Field([], max_length=MAX_CORRECTIONS)


class MaterialsResubmittedData(CaseMovedData):
    materials: list[EventMaterial] = Field([], max_length=MAX_MATERIALS)


class DeemedAcceptedData(CaseMovedData):
    acceptance_due: OptionalDate = None
    effective_on: OptionalDate = None


class ClockSuspendedData(CaseMovedData):
    procedure: _text("procedure") = ""
    limit_days: int = 0


class ClockResumedData(CaseMovedData):
    procedure: _text("procedure") = ""


class CertificateCollectedData(CaseMovedData):
    mode: Literal["", "self", "agent", "organisation"] = ""
    collector_name: str = ""
    collector_id_masked: str = ""  # masked: the platform never receives an agent's full number
    identity_method: str = ""
    signature_sha256: str = ""
    blank_serial: str = ""
    override_by: str = ""
    override_reason: str = ""


class CertificateMailedData(CaseMovedData):
    courier: str = ""
    tracking_no: str = ""
    blank_serial: str = ""


EVENT_DATA_MODELS: dict[str, type[ContractModel]] = {
    "case.receive": CaseReceivedData,
    "case.accept": CaseAcceptedData,
    "case.request_supplement": SupplementRequestedData,
    "case.reject": CaseRejectedData,
    "case.correct_on_spot": CorrectedOnSpotData,
    "case.resubmit": MaterialsResubmittedData,
    "case.deem_accepted": DeemedAcceptedData,
    "case.start_processing": CaseMovedData,
    "case.suspend_clock": ClockSuspendedData,
    "case.resume_clock": ClockResumedData,
    "case.withdraw": CaseMovedData,
    "case.collect": CertificateCollectedData,
    "case.mail": CertificateMailedData,
}


class Event(ContractModel):
    """One outbox event, exactly the payload app/storage/outbox.py writes. kind: "case.<action>"
    for an action the terminal reports (TERMINAL_ACTIONS); data: that kind's model in
    EVENT_DATA_MODELS (checked with `event_data`)."""

    event_id: str = Field(min_length=1, max_length=64)
    kind: str
    case_number: str = ""
    occurred_at: Timestamp
    terminal_id: str
    actor: str = ""
    data: dict[str, Any] = {}


def event_data(event: Event) -> ContractModel:
    """The event's data as its kind's model; ValueError (kind unknown) or pydantic's
    ValidationError (data not as the kind needs)."""
    model = EVENT_DATA_MODELS.get(event.kind)
    if model is None:
        raise ValueError(f"unknown event kind {event.kind!r}")
    return model.model_validate(event.data)


class EventBatch(ContractModel):
    """POST /events:batch. Send a case's events in the order they happened; the platform
    applies them in the order of the list."""

    events: list[Event]


EventStatus = Literal["applied", "duplicate", "rejected"]


class EventResult(ContractModel):
    """applied: taken now. duplicate: this event_id was applied before (nothing done again).
    rejected: not taken; `code` (ErrorCode) and `reason` (Chinese, for the person who
    resolves it). A rejected event id may be sent again later (e.g. once the item resumed)."""

    event_id: str
    status: EventStatus
    code: str = ""
    reason: str = ""


class EventBatchResult(ContractModel):
    results: list[EventResult]  # one per event, in the order sent


# --- case progress -------------------------------------------------------------------------

ProgressStep = Literal["in_progress", "concluded_approved", "concluded_denied", "certificate_ready"]
PROGRESS_STEP_LABELS = {
    "in_progress": "办理中",
    "concluded_approved": "办结（准予）",
    "concluded_denied": "办结（不予许可）",
    "certificate_ready": "证照已制发，待领取",
}


class ProgressUpdate(ContractModel):
    """A back-office step on a case the terminal is entitled to (see "Binding every request to
    the terminal" above): its own, its predecessor's, its hall's for a pick-up desk, or handed
    over to its hall."""

    progress_id: str  # unique; a replayed page repeats it
    case_number: str
    step: ProgressStep
    at: Timestamp
    note: str = ""


class ProgressPage(ContractModel):
    """GET /progress?since=CURSOR&limit=N — steps in the order they happened."""

    updates: list[ProgressUpdate]
    next_cursor: str
    has_more: bool
