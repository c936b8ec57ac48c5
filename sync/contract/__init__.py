"""The platform contract, version 1: every path and every JSON body the terminal (`sync/`)
and the platform (the real one, or `sandbox/`) exchange. Pydantic v2 models only — no HTTP
library and no app import — so both sides import this one package and cannot drift apart.
Its modules: `wire` (version, paths, limits, formats, errors), `terminals`, `catalog`
(catalog, calendars, number blocks), `workflow` (case states and moves), `events`, `progress`,
`audit` (the terminal's key, signed audit checkpoints and the platform's receipts),
`attachments` (scanned pages, chunked and resumable).

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
     **A lost answer is asked for again, not re-enrolled.** The terminal makes a
     ``request_id`` and its own ``terminal_secret`` (at least ``MIN_TERMINAL_SECRET``
     characters) BEFORE the first call and keeps both on disk until it has the answer. The
     platform stores the secret's hash and the request id with the used code. The same code
     with the same ``request_id`` and the same secret within ``ENROLMENT_RETRY_HOURS`` of the
     first use answers the SAME identity (same terminal id, document code and number block,
     a new token; ``terminal_secret`` in the answer is then ``""``: the terminal has its own).
     The same code with another request id (another PC, another attempt), or after that
     time, or with another secret, is refused 403 ``ENROLMENT_USED``. A request without
     ``request_id`` (older terminals) gets a platform-made secret and no retry.
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
  on (collect, mail) and see the progress of every case of their hall — the ``certificate_ready``
  step carries the issued certificate with its holder, enough for a desk that never saw the
  case; the platform then reports ``collected`` / ``mailed`` to the receiving terminal, and
  ``delivered`` (the courier's confirmation) to both;
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
- Attachments: by content hash (see ``sync.contract.attachments``): declaring again answers
  what the platform already has; a chunk sent again is not stored twice.
- Number blocks: the terminal makes a ``request_id`` per lease and keeps it until it has the
  answer; asking again with the same id returns the same block (no block is burnt twice).
"""

from sync.contract.attachments import (  # noqa: F401 — the package's public names
    ATTACHMENT_CHUNK_SIZE,
    ATTACHMENT_MEDIA_TYPES,
    MAX_ATTACHMENT_BYTES,
    PATH_ATTACHMENT_CHUNK,
    PATH_ATTACHMENT_CONTENT,
    PATH_ATTACHMENTS,
    AttachmentDeclaration,
    AttachmentStatus,
    chunk_count,
    chunk_path,
    chunk_range,
    content_path,
)
from sync.contract.audit import (  # noqa: F401 — the package's public names
    AuditCheckpoint,
    AuditReceipt,
    PlatformKey,
    TerminalKey,
    checkpoint_text,
    receipt_text,
)
from sync.contract.catalog import (  # noqa: F401 — the package's public names
    CalendarFile,
    CatalogChange,
    CatalogChangesPage,
    CatalogItem,
    CatalogMaterial,
    ItemStatusChange,
    ItemUpsert,
    NumberBlock,
    NumberBlockRequest,
    SpecialProcedure,
)
from sync.contract.events import (  # noqa: F401 — the package's public names
    EVENT_DATA_MODELS,
    MAX_CORRECTIONS,
    MAX_MATERIALS,
    MULTILINE_TEXT,
    TEXT_LIMITS,
    CaseAcceptedData,
    CaseMovedData,
    CaseReceivedData,
    CaseRejectedData,
    CertificateCollectedData,
    CertificateMailedData,
    ClockResumedData,
    ClockSuspendedData,
    CorrectedOnSpotData,
    DeemedAcceptedData,
    Event,
    EventBatch,
    EventBatchResult,
    EventCorrection,
    EventMaterial,
    EventParty,
    EventResult,
    EventStatus,
    EventSupplement,
    EventTolerated,
    MaterialsResubmittedData,
    SupplementRequestedData,
    event_data,
)
from sync.contract.progress import (  # noqa: F401 — the package's public names
    MAX_CERTIFICATE_FIELDS,
    PROGRESS_STEP_LABELS,
    CertificateHolder,
    DeliveryConfirmation,
    IssuedCertificate,
    ProgressPage,
    ProgressStep,
    ProgressUpdate,
)
from sync.contract.terminals import (  # noqa: F401 — the package's public names
    AccessToken,
    Clerk,
    ClerkSession,
    Desk,
    SessionRequest,
    TerminalRegistered,
    TerminalRegistration,
    TerminalTokenRequest,
)
from sync.contract.wire import (  # noqa: F401 — the package's public names
    ALL_PATHS,
    API_PREFIX,
    CHINA,
    CONTRACT_VERSION,
    DEFAULT_FIRST_BLOCK_SIZE,
    DEFAULT_PAGE_SIZE,
    ENROLMENT_ATTEMPTS_PER_MINUTE,
    ENROLMENT_RETRY_HOURS,
    MAX_BLOCK_SIZE,
    MAX_EVENTS_PER_BATCH,
    MAX_PAGE_SIZE,
    MAX_PLATFORM_SERIAL,
    MIN_TERMINAL_SECRET,
    PATH_AUDIT_CHECKPOINTS,
    PATH_CALENDAR,
    PATH_CATALOG_CHANGES,
    PATH_EVENTS_BATCH,
    PATH_HEALTH,
    PATH_NUMBER_BLOCKS,
    PATH_PROGRESS,
    PATH_REGISTER_TERMINAL,
    PATH_SESSIONS,
    PATH_TERMINAL_KEY,
    PATH_TERMINAL_TOKEN,
    RETIRED_PUSH_DAYS,
    ContractModel,
    ErrorBody,
    ErrorCode,
    Health,
    OptionalDate,
    Timestamp,
    calendar_path,
    format_timestamp,
    parse_timestamp,
)
from sync.contract.workflow import (  # noqa: F401 — the package's public names
    CASE_STATES,
    CASE_TRANSITIONS,
    PLATFORM_ACTIONS,
    TERMINAL_ACTIONS,
    CaseState,
)
