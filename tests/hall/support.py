"""A production terminal (fresh data dir, never demo) enrolled on the test's sandbox."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.actor import SYSTEM
from app.bootstrap import start_terminal
from app.config import Paths
from app.context import AppContext
from app.storage.document_models import IssuedDocument
from app.storage.models import Case
from app.usecases.enrolment import FirstAdmin
from sync.connection import enrol
from tests.sync.support import FAST

ADMIN = FirstAdmin("admin", "本机管理员", "s3cret-admin-pw")


def fresh_terminal(data_dir: Path) -> AppContext:
    data_dir.mkdir(parents=True, exist_ok=True)
    return start_terminal(Paths(data_dir), demo=False)


def enrolled_terminal(sandbox, data_dir: Path, **code_options) -> AppContext:  # noqa: ANN001
    ctx = fresh_terminal(data_dir)
    enrol(ctx, SYSTEM, sandbox.url, sandbox.enrolment_code(**code_options), ADMIN, FAST)
    return ctx


def case_numbers(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        return list(s.scalars(select(Case.number)))


def document_numbers(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        return list(s.scalars(select(IssuedDocument.doc_number)))
