"""Screenshots of every screen, for looking at what we build (run under Xvfb):

    xvfb-run -a -s "-screen 0 1366x800x24" .venv/bin/python scripts/screenshots.py OUT_DIR

Drives the real windows with the demo data on a throw-away data directory.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bootstrap import start_terminal  # noqa: E402
from app.config import Paths  # noqa: E402
from app.usecases.auth import login  # noqa: E402
from app.usecases.setup import DEMO_PASSWORD  # noqa: E402
from scripts.screen_tools import shot, spin  # noqa: E402
from ui.login_dialog import LoginDialog  # noqa: E402
from ui.main import demo_hint, make_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.operations import Operations  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app(sys.argv[:1])
    ctx = start_terminal(Paths(Path(tempfile.mkdtemp())))
    ops = Operations()
    dlg = LoginDialog(ctx, ops, demo_hint(ctx))
    dlg.show()
    dlg.username.setText("clerk01")
    shot(app, dlg, out, "01-login")
    dlg.close()
    w = MainWindow(ctx, ops, login(ctx, "clerk01", DEMO_PASSWORD))
    w.resize(1366, 800)
    w.show()
    shot(app, w, out, "02-intake-empty")
    iv = w.intake
    iv.finder.search.setText("gtgs")
    shot(app, w, out, "03-search-gtgs")
    iv.finder._pick_current()
    spin(app)
    a = iv.party.applicant
    a.name.setText("张桂兰")
    a.id_number.setText("62032119850612231" + "0")
    a.phone.setText("13893512345")
    a.address.setText("永昌县城关镇北海子路12号")
    iv.receive_only()
    shot(app, w, out, "04-intake-error")
    from tests.helpers import APPLICANT_ID

    a.id_number.setText(APPLICANT_ID)
    a.id_number.editingFinished.emit()  # the field answers when the clerk leaves it
    iv.materials.mark_all_as_required_form()
    shot(app, w, out, "05-intake-filled")
    for r in iv.materials.rows:  # the "如涉及" questions, answered 不涉及
        if r.choice.currentData() == "ask":
            r.set_choice("na")
    iv.decide(__import__("app.case_states", fromlist=["Action"]).Action.ACCEPT)
    spin(app, 2.0)
    for p in list(w.previews):
        p.close()
    shot(app, w, out, "06-accepted")
    # A blocked item.
    hits = [h for h in iv.finder.index.search("", limit=10_000) if h.status == "suspended"]
    if hits:
        iv.finder.search.setText(hits[0].implementation_code)
        spin(app)
        iv.finder._pick_current()
        shot(app, w, out, "07-suspended-item")
    # Dialogs.
    from ui.intake.decision_dialogs import RejectDialog, SupplementDialog

    rd = RejectDialog(__import__("app.usecases.decisions", fromlist=["remedy_preview"]).remedy_preview(ctx), w)
    rd.show()
    shot(app, rd, out, "08-reject-dialog")
    rd.close()
    sd = SupplementDialog([{"name": "经营场所使用证明", "kind": "missing", "note": "未提交"},
                           {"name": "个体工商户登记（备案）申请书", "kind": "incorrect", "note": "经营范围填写不规范，缺少申请人签字"}], w)
    sd.show()
    shot(app, sd, out, "09-supplement-dialog")
    sd.close()
    w.tabs.setCurrentWidget(w.cases)
    w.cases.filters.setCurrentRow(w.cases.filters.count() - 1)  # 全部
    spin(app, 1.0)
    w.cases.table.selectRow(0)
    shot(app, w, out, "10-cases")
    w.lock()
    shot(app, w, out, "11-locked")
    QTimer.singleShot(0, app.quit)
    w.close()


if __name__ == "__main__":
    main()
