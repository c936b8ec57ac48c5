"""Issue 12 part 5: personal data shown only where the task needs it. ID numbers masked in
lists (620321********2313) and whole only in the case in hand; logs never hold an ID number
or a phone number."""

from __future__ import annotations

import io
import logging
from datetime import datetime
from types import SimpleNamespace

import pytest

from app.logging_filter import PersonalDataFilter, install_personal_data_filter
from app.rules.case_number import make_case_number
from app.rules.text import mask_id_number, mask_personal_data, mask_phone
from tests.helpers import APPLICANT_ID, resident_id

ID15 = "620321850612231"


def test_an_id_number_keeps_its_region_and_last_four() -> None:
    assert mask_id_number("620321198506122313") == "620321********2313"
    assert mask_id_number("62032119850612231X") == "620321********231X"
    assert mask_id_number(ID15) == "620321*****2231"
    assert mask_id_number("E12345678") == "E1*****78"
    assert mask_id_number("1234") == "****" and mask_id_number("") == ""


def test_phones_keep_their_first_three_and_last_four() -> None:
    assert mask_phone("13893512345") == "138****2345"
    assert mask_phone("0935-7521234") == "0935-***1234"


@pytest.mark.parametrize(("raw", "masked"), [
    (f"申请人 {APPLICANT_ID} 已收件", "申请人 620321********2313 已收件"),
    ("id=62032119900315002x;", "id=620321********002x;"),
    (f"旧证 {ID15}", "旧证 620321*****2231"),
    ("电话13893512345，", "电话138****2345，"),
    ("+86 138-9351-2345", "+86 138-****-2345"),
    ("tel: 8613893512345", "tel: 86138****2345"),
    ("0935-7521234", "0935-***1234"),
    ("{'id_number': '620321198506122313', 'phone': '13893512345'}",
     "{'id_number': '620321********2313', 'phone': '138****2345'}"),
])
def test_personal_numbers_in_free_text_are_masked(raw: str, masked: str) -> None:
    assert mask_personal_data(raw) == masked


def test_what_is_not_personal_stays_readable() -> None:
    number = make_case_number("6203212026", 123)  # 18 digits too, but a case number (Damm check digit)
    for text in (f"办件 {number} 已受理", "2026-11-20 09:30:00,123", "seq 1234567890123456789012",
                 "event 0f8fe0a2-7b1e-4bb0-9d0c-1f3c9b0a4e51", "耗时 13893 ms", "12345678901"):
        assert mask_personal_data(text) == text


def test_a_case_number_that_is_also_a_valid_id_number_is_masked() -> None:
    # Privacy wins over a readable log in the rare number that passes both checks.
    both = next(n for s in range(1, 20000) if (n := make_case_number("6203211985", s)) and
                n[17] == resident_id(n[:6], n[6:14], n[14:17])[17])
    assert mask_personal_data(both) == mask_id_number(both)


# --- the log --------------------------------------------------------------------------------


@pytest.fixture
def captured():
    """A handler on the root logger as ui/main.py sets it up, with the filter installed."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    installed = install_personal_data_filter()
    try:
        yield stream
    finally:
        for h in root.handlers:  # pytest's own capture handlers live on: leave them as they were
            h.removeFilter(installed)
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_no_id_number_or_phone_reaches_the_log(captured: io.StringIO) -> None:
    log = logging.getLogger("clerkdesk.sync.pusher")  # a child logger: its records reach the root's handlers
    log.info("received %s for %s, phone %s", "62032120260000123", APPLICANT_ID, "13893512345")
    log.warning("party %r", {"id_number": ID15, "phone": "0935-7521234"})
    try:
        raise ValueError(f"duplicate party {APPLICANT_ID} / 13893512345")
    except ValueError:
        log.exception("intake failed for %s", APPLICANT_ID)
    log.info("stack", stack_info=True, extra={})
    out = captured.getvalue()
    for secret in (APPLICANT_ID, ID15, "13893512345", "7521234"):
        assert secret not in out, secret
    assert "620321********2313" in out and "138****2345" in out
    assert "Traceback" in out and "ValueError: duplicate party 620321********2313" in out


def test_the_filter_is_installed_once_per_handler(captured: io.StringIO) -> None:
    install_personal_data_filter()
    install_personal_data_filter()
    for handler in logging.getLogger().handlers:
        assert sum(isinstance(f, PersonalDataFilter) for f in handler.filters) <= 1


def test_a_record_with_bad_arguments_is_still_written(captured: io.StringIO) -> None:
    logging.getLogger("clerkdesk").info("two %s %s", APPLICANT_ID)  # one argument short
    assert APPLICANT_ID not in captured.getvalue()


def test_the_terminal_installs_the_filter_where_it_sets_up_its_log(tmp_path, monkeypatch) -> None:
    import ui.main as main

    root = logging.getLogger()
    before = list(root.handlers)
    monkeypatch.setattr(root, "handlers", [])  # basicConfig only configures a bare root logger
    try:
        main._log_to(SimpleNamespace(logs=tmp_path))
        assert root.handlers and all(any(isinstance(f, PersonalDataFilter) for f in h.filters) for h in root.handlers)
        logging.getLogger("clerkdesk").warning("applicant %s", APPLICANT_ID)
        for h in root.handlers:
            h.flush()
        assert APPLICANT_ID not in (tmp_path / "clerkdesk.log").read_text(encoding="utf-8", errors="replace")
    finally:
        for h in root.handlers:
            h.close()
        root.handlers = before


# --- the lists ------------------------------------------------------------------------------------


def test_the_case_list_shows_the_id_number_masked(qapp) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from app.rules.deadlines import DeadlineLevel
    from app.usecases.queries import CaseRow
    from ui.case_table import CaseTableModel

    model = CaseTableModel()
    model.set_rows([CaseRow("620321202690000135", "个体工商户设立登记", "张桂兰", APPLICANT_ID, "received", "收件",
                            datetime(2026, 11, 20, 9, 30), None, DeadlineLevel.NONE, True, "李晓燕")])
    shown = [model.data(model.index(0, c), role) for c in range(model.columnCount())
             for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)]
    assert not any(APPLICANT_ID in str(x) for x in shown)
    assert "620321********2313" in model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)


def test_the_attention_list_masks_what_the_platform_quotes(qapp, ctx, clerk) -> None:  # noqa: ANN001
    from app.usecases.sync_state import AttentionView
    from ui.sync.attention_dialog import AttentionDialog

    ops = SimpleNamespace(changed=SimpleNamespace(connect=lambda _f: None), run_read=lambda *_a, **_k: None)
    dlg = AttentionDialog(ctx, ops, clerk)
    reason = f"事件内容不符合约定：applicant.id_number '{APPLICANT_ID}'，phone '13893512345'"
    dlg._show([AttentionView(1, "620321202690000135", "e1", "case.receive", "2026-11-20T09:30:00+08:00",
                             "EVENT_INVALID", reason, datetime(2026, 11, 20, 9, 31), 0, "", "", None, "")])
    cells = [dlg.table.item(0, c) for c in range(dlg.table.columnCount())]
    assert not any(APPLICANT_ID in c.text() or APPLICANT_ID in c.toolTip() or "13893512345" in c.text() for c in cells)
    assert "620321********2313" in cells[2].text() and "EVENT_INVALID" in cells[2].text()
    dlg.close()


def test_the_case_in_hand_shows_the_id_number_whole() -> None:
    from app.documents import PartySnapshot
    from ui.case_detail_view import _party

    html = _party(PartySnapshot("person", "张桂兰", "居民身份证", APPLICANT_ID, "13893512345"), "申请人")
    assert APPLICANT_ID in html and "13893512345" in html
