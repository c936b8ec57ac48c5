"""The wire itself: version, paths, limits, the timestamp format, the base model, errors, health."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

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
PATH_TERMINAL_KEY = f"{API_PREFIX}/terminals/key"  # PUT: the terminal's public key (sync/contract/audit.py)
PATH_AUDIT_CHECKPOINTS = f"{API_PREFIX}/audit/checkpoints"  # POST a checkpoint; GET the last receipt

ALL_PATHS = (
    PATH_HEALTH, PATH_REGISTER_TERMINAL, PATH_TERMINAL_TOKEN, PATH_SESSIONS, PATH_CATALOG_CHANGES,
    PATH_CALENDAR, PATH_NUMBER_BLOCKS, PATH_EVENTS_BATCH, PATH_PROGRESS, PATH_TERMINAL_KEY, PATH_AUDIT_CHECKPOINTS,
    # attachments (sync/contract/attachments.py)
    f"{API_PREFIX}/attachments", f"{API_PREFIX}/attachments/{{sha256}}/chunks/{{index}}",
    f"{API_PREFIX}/attachments/{{sha256}}/content",
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
ENROLMENT_RETRY_HOURS = 24  # a lost enrolment answer may be asked for again (same code, same request) this long
MIN_TERMINAL_SECRET = 32  # characters of a terminal secret the terminal chose itself
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
    # audit checkpoints (sync/contract/audit.py)
    TERMINAL_KEY_MISSING = "TERMINAL_KEY_MISSING"  # 409: register the terminal's public key first
    TERMINAL_KEY_CONFLICT = "TERMINAL_KEY_CONFLICT"  # 409: another key is registered (or the key is another terminal's)
    CHECKPOINT_SIGNATURE_INVALID = "CHECKPOINT_SIGNATURE_INVALID"  # 403: not signed with this terminal's key
    CHECKPOINT_TERMINAL_MISMATCH = "CHECKPOINT_TERMINAL_MISMATCH"  # 403: names another terminal than the token's
    CHECKPOINT_ANCHOR_STALE = "CHECKPOINT_ANCHOR_STALE"  # 409: anchor is not the last confirmed seq (GET it)
    AUDIT_CHAIN_TRUNCATED = "AUDIT_CHAIN_TRUNCATED"  # 409: fewer records than the platform confirmed
    AUDIT_CHAIN_REWRITTEN = "AUDIT_CHAIN_REWRITTEN"  # 409: a confirmed record's hash changed
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
    # attachments (sync/contract/attachments.py); CASE_UNKNOWN 409 and CASE_NOT_ENTITLED 403 as above
    ATTACHMENT_INVALID = "ATTACHMENT_INVALID"  # 422: media type, or a size unlike the stored content's
    ATTACHMENT_NOT_DECLARED = "ATTACHMENT_NOT_DECLARED"  # 409: a chunk before its declaration
    CHUNK_INVALID = "CHUNK_INVALID"  # 422: index out of range or the chunk's length is wrong
    ATTACHMENT_HASH_MISMATCH = "ATTACHMENT_HASH_MISMATCH"  # 422: the chunks do not make the declared hash


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


