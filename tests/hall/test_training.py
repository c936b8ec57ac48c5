"""Issue 11 part 5, app and sync side: `clerkdesk --training` opens its own database under the
data dir, with the demo hall's data, a banner, and never a platform off this machine."""

from __future__ import annotations

import pytest

from app.actor import SYSTEM
from app.bootstrap import start_terminal, start_training, training_paths
from app.config import Paths
from app.rules.problems import RuleError
from app.usecases.catalog import catalog_size
from app.usecases.sync_state import set_sync_setting
from app.usecases.terminal import terminal_mode
from sync.connection import check_training_platform, ensure_registered, open_api
from tests.sandbox_support import ENROLMENT_CODE
from tests.sync.support import FAST, sync


def test_training_has_its_own_database_banner_and_demo_data(tmp_path):
    production = Paths(tmp_path / "pc")
    production.data_dir.mkdir()
    ctx = start_training(production)
    try:
        assert ctx.paths.data_dir == training_paths(production).data_dir == tmp_path / "pc" / "training"
        assert terminal_mode(ctx) == "training"
        assert "培训" in ctx.settings.get("training_banner")
        assert catalog_size(ctx) > 0
    finally:
        ctx.close()
    assert not production.database.exists()  # the production database was never opened
    again = start_terminal(production, demo=False)
    try:
        assert terminal_mode(again) == "unenrolled"
    finally:
        again.close()


def test_training_never_talks_to_a_platform_off_this_machine(tmp_path, sandbox):
    ctx = start_training(Paths(tmp_path / "pc"))
    try:
        with pytest.raises(RuleError) as err:
            check_training_platform(ctx, "https://zwfw.gansu.gov.cn")
        assert err.value.code == "TRAINING_PLATFORM_NOT_LOCAL"
        set_sync_setting(ctx, SYSTEM, "platform_url", "https://zwfw.gansu.gov.cn")
        with pytest.raises(RuleError):
            open_api(ctx, settings=FAST)
        with pytest.raises(RuleError):
            ensure_registered(ctx, "https://zwfw.gansu.gov.cn", ENROLMENT_CODE, FAST)
        set_sync_setting(ctx, SYSTEM, "platform_url", sandbox.url)  # the local training sandbox is fine
        ensure_registered(ctx, sandbox.url, ENROLMENT_CODE, FAST)
        assert sync(ctx).reachable
    finally:
        ctx.close()


def test_every_screen_and_every_page_of_the_training_room_says_so(qtbot, qapp, tmp_path, clock) -> None:
    """Issue 11 #5: a banner on every screen; "培训样张 无效" on every printed page."""
    from app.documents import DocumentKind
    from app.usecases.auth import login
    from app.usecases.documents import stored_snapshot
    from printing import render_document
    from tests.printing.pdf_tools import pages
    from tests.sync.support import take_in
    from ui.login_dialog import LoginDialog
    from ui.main_window import MainWindow
    from ui.operations import Operations

    ctx = start_training(Paths(tmp_path / "pc"), clock=clock)
    try:
        clerk = login(ctx, "clerk01", "demo1234")
        [number] = take_in(ctx, clerk, 1)
        snap = stored_snapshot(ctx, number, DocumentKind.ACCEPTANCE)
        text = pages(render_document(snap).pdf, tmp_path)
        # The mark is set diagonally: pdftotext gives its characters one by one.
        assert text and all(set("培训样张无效") <= set(p) for p in text)
        from dataclasses import replace

        real = pages(render_document(replace(snap, extra={})).pdf, tmp_path)
        assert not any(set("培训样张") <= set(p) for p in real)  # a real notice has no such mark
        ops = Operations()
        dlg = LoginDialog(ctx, ops)
        qtbot.addWidget(dlg)
        assert dlg.findChild(type(dlg.message), "training_banner") is not None
        w = MainWindow(ctx, ops, clerk)
        qtbot.addWidget(w)
        w.show()
        assert w.training_banner is not None and w.training_banner.isVisible() and "培训" in w.windowTitle()
        w.lock()
        assert w.training_banner.isVisible()  # the lock screen too
        w.close()
    finally:
        ctx.close()
