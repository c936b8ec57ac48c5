"""Documents issued by decisions: the right kinds, numbered per department and year, built
from a snapshot that later changes to the case do not touch; prints and reprints audited; the
supervisor's render command writes the stored document to a file."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest
from sqlalchemy import select

from app.actor import SYSTEM
from app.case_states import Action
from app.documents import DocumentKind
from app.rules.decisions import Tick
from app.rules.problems import RuleError
from app.storage.models import AuditRecord, Case
from app.usecases.decisions import Decision, decide_case, intake_and_decide
from app.usecases.documents import (
    PrinterSettings,
    document_for_print,
    documents_for_case,
    printer_settings,
    record_printed,
    record_rendered,
    save_printer_settings,
    stored_snapshot,
)
from app.usecases.intake import IntakeInput, receive_case
from app.usecases.numbers import add_block
from app.usecases.setup import DEMO_PASSWORD
from printing import render_document
from tests.conftest import as_user
from tests.helpers import active_item_with_tolerable, all_provided, find_item, person, run_admin
from tests.printing.pdf_tools import text
from tests.sync.support import take_in


def kinds(ctx, number: str) -> list[DocumentKind]:
    return [d.kind for d in documents_for_case(ctx, number)]


def test_each_decision_issues_the_notices_it_owes(ctx, clerk) -> None:
    [accepted] = take_in(ctx, clerk, 1)
    [told] = take_in(ctx, clerk, 1, action=Action.REQUEST_SUPPLEMENT)
    assert kinds(ctx, accepted) == [DocumentKind.ACCEPTANCE, DocumentKind.RECEIPT]
    assert kinds(ctx, told) == [DocumentKind.SUPPLEMENTATION, DocumentKind.RECEIPT]
    g = find_item(ctx, "个体工商户设立登记")
    number = receive_case(ctx, clerk, IntakeInput(g.item_id, person(), all_provided(g))).value.number
    out = decide_case(ctx, clerk, number, Decision(Action.REJECT, "not_competent", "不属于本机关职权范围",
                                                   "永昌县自然资源局")).value
    assert [d.kind for d in out.documents] == [DocumentKind.REJECTION] == kinds(ctx, number)
    snap = stored_snapshot(ctx, number, DocumentKind.REJECTION)
    assert snap.competent_agency == "永昌县自然资源局" and "行政复议" in snap.remedy


def test_a_tolerated_material_adds_the_applicants_commitment(ctx, clerk) -> None:
    g = active_item_with_tolerable(ctx)
    ticks = all_provided(g)
    tol = next(m for m in g.materials if m.tolerable)
    ticks = [Tick(t.material_id, t.name, tolerated=True, promise_date=ctx.today().replace(day=28))
             if t.material_id == tol.material_id else t for t in ticks]
    out = intake_and_decide(ctx, clerk, IntakeInput(g.item_id, person(), ticks), Decision(Action.ACCEPT)).value
    assert [d.kind for d in out.documents] == [DocumentKind.ACCEPTANCE, DocumentKind.RECEIPT,
                                               DocumentKind.TOLERANCE_COMMITMENT]
    snap = stored_snapshot(ctx, out.number, DocumentKind.TOLERANCE_COMMITMENT)
    assert [m.name for m in snap.materials if m.tolerated] == [tol.name]


def test_numbers_run_per_department_and_year_and_restart_in_january(ctx, clerk, clock) -> None:
    a, b = take_in(ctx, clerk, 2)
    numbers = [d.doc_number for n in (a, b) for d in documents_for_case(ctx, n)]
    assert numbers == ["永市监受〔2026〕第0100001号", "永市监收〔2026〕第0100002号",
                       "永市监受〔2026〕第0100003号", "永市监收〔2026〕第0100004号"]
    [other] = take_in(ctx, clerk, 1, "药品零售企业经营许可")
    assert documents_for_case(ctx, other)[0].doc_number == "永市监受〔2026〕第0100005号"  # same department
    clock.set(2027, 1, 4, 9, 0)
    with ctx.unit_of_work(SYSTEM) as uow:
        add_block(uow, 2027, 1, 100, "platform")  # next year's numbers, leased before New Year
    [next_year] = take_in(ctx, clerk, 1)
    assert documents_for_case(ctx, next_year)[0].doc_number == "永市监受〔2027〕第0100001号"


def test_the_snapshot_is_what_was_issued_even_after_the_case_changes(ctx, clerk) -> None:
    [number] = take_in(ctx, clerk, 1)
    before = stored_snapshot(ctx, number, DocumentKind.ACCEPTANCE)
    assert before.applicant.name == "张桂兰" and before.case_number == number and before.materials
    assert before.committed_due is not None and before.accepted_on == ctx.today()
    with ctx.unit_of_work(SYSTEM) as uow:  # the case is corrected later (say, a back-office fix)
        case = uow.session.scalars(select(Case).where(Case.number == number)).one()
        case.committed_due = None
    assert stored_snapshot(ctx, number, DocumentKind.ACCEPTANCE) == before


def test_first_print_is_the_original_later_ones_are_copies_with_who_and_when(ctx, clerk, tmp_path) -> None:
    [number] = take_in(ctx, clerk, 1)
    doc = documents_for_case(ctx, number)[0]
    first = document_for_print(ctx, clerk, doc.id)
    assert first.copy is None
    rendered = render_document(first.snapshot)
    assert record_rendered(ctx, clerk, doc.id, rendered.sha256).value == rendered.sha256
    assert record_printed(ctx, clerk, doc.id, "窗口打印机", 1).value is False
    sup = as_user(ctx, "super01")
    again = document_for_print(ctx, sup, doc.id)
    assert again.copy is not None and again.copy.by == "赵志刚" and again.original_sha256 == rendered.sha256
    assert render_document(again.snapshot).sha256 == rendered.sha256  # same content, before the mark
    assert "补打件" in text(render_document(again.snapshot, copy=again.copy).pdf, tmp_path)
    assert record_printed(ctx, sup, doc.id, "窗口打印机", 2).value is True
    assert documents_for_case(ctx, number)[0].prints == 2
    with ctx.read() as s:
        actions = [r.action for r in s.scalars(select(AuditRecord).where(AuditRecord.entity_key == doc.doc_number).order_by(AuditRecord.seq))]
    assert actions == ["document.issue", "document.print", "document.reprint"]


def test_printer_settings_are_remembered_per_kind_and_checked(ctx, clerk) -> None:
    save_printer_settings(ctx, clerk, DocumentKind.CERTIFICATE, PrinterSettings("证照打印机", 1, "手动进纸", (1.5, -2.0)))
    assert printer_settings(ctx, DocumentKind.CERTIFICATE) == PrinterSettings("证照打印机", 1, "手动进纸", (1.5, -2.0))
    assert printer_settings(ctx, DocumentKind.ACCEPTANCE) == PrinterSettings()
    # The offset belongs to the printer: another certificate printer starts from its own (none yet) …
    save_printer_settings(ctx, clerk, DocumentKind.CERTIFICATE, PrinterSettings("备用打印机", 1, "", (0.0, 0.0)))
    assert printer_settings(ctx, DocumentKind.CERTIFICATE).offset_mm == (0.0, 0.0)
    # … and going back to the first one brings its calibration back.
    save_printer_settings(ctx, clerk, DocumentKind.CERTIFICATE, PrinterSettings("证照打印机", 1, "手动进纸", (1.5, -2.0)))
    assert printer_settings(ctx, DocumentKind.CERTIFICATE).offset_mm == (1.5, -2.0)
    with pytest.raises(RuleError) as err:
        save_printer_settings(ctx, clerk, DocumentKind.ACCEPTANCE, replace(PrinterSettings(), copies=0))
    assert err.value.code == "PRINT_COPIES_RANGE"


def test_the_admin_renders_a_cases_document_and_a_sample(ctx, clerk, data_dir, tmp_path) -> None:
    [number] = take_in(ctx, clerk, 1)
    ctx.close()
    out = tmp_path / "notice.pdf"
    # The applicant's data leaves the terminal only for someone who may print it, audited.
    refused = run_admin(["render", number, "acceptance", "--out", str(out)], data_dir, DEMO_PASSWORD, user="admin01")
    assert refused.returncode == 6 and "PERMISSION_DENIED" in refused.stderr and not out.exists()
    done = run_admin(["render", number, "acceptance", "--out", str(out)], data_dir, DEMO_PASSWORD, user="super01")
    assert done.returncode == 0, done.stderr
    body = text(out.read_bytes(), tmp_path)
    assert number in body and "张桂兰" in body and "受理通知书" in body
    missing_kind = run_admin(["render", number, "rejection", "--out", str(out)], data_dir, DEMO_PASSWORD, user="super01")
    assert missing_kind.returncode != 0 and "不予受理通知书" in missing_kind.stderr + missing_kind.stdout
    for kind in ("acceptance", "rejection", "supplementation", "receipt", "tolerance-commitment", "certificate",
                 "calibration"):
        sample = tmp_path / f"{kind}.pdf"
        done = run_admin(["render", "--sample", kind, "--out", str(sample)])  # no stored data: no login
        assert done.returncode == 0, done.stderr
        assert subprocess.run(["pdfinfo", str(sample)], capture_output=True).returncode == 0
