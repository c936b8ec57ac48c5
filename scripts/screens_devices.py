"""Screenshots of the counter's devices (issue 13), for looking at what we build (run under Xvfb):

    xvfb-run -a -s "-screen 0 1366x800x24" .venv/bin/python scripts/screens_devices.py OUT_DIR

设备设置 after real tests (the simulated reader on a pseudo-terminal; then the same port
unplugged), and the status bar with scanned pages waiting for the platform and after the sync.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.actor import SYSTEM  # noqa: E402
from app.bootstrap import start_terminal  # noqa: E402
from app.config import Paths  # noqa: E402
from app.usecases.auth import login  # noqa: E402
from app.usecases.setup import DEMO_PASSWORD  # noqa: E402
from app.usecases.sync_state import set_sync_setting  # noqa: E402
from benchmarks.bench_devices import _intake_with_pages, scanned_page  # noqa: E402
from devices.camera.folder import FolderCamera  # noqa: E402
from devices.idcard.simulator import PtySamSimulator, sample_card  # noqa: E402
from scripts.screen_tools import shot, wait  # noqa: E402
from sync.connection import ensure_registered  # noqa: E402
from ui.demo_platform import DEMO_ENROLMENT_CODE, DemoPlatform  # noqa: E402
from ui.main import make_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.operations import Operations  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app(sys.argv[:1])
    root = Path(tempfile.mkdtemp())
    platform = DemoPlatform(root / "platform", back_office_delay=3600)
    url = platform.start()
    try:
        ctx = start_terminal(Paths(root / "terminal"))
        ops = Operations()
        admin = MainWindow(ctx, ops, login(ctx, "admin01", DEMO_PASSWORD))
        admin.resize(1366, 800)
        admin.show()
        dlg = admin.open_device_settings()
        assert dlg is not None
        with PtySamSimulator(sample_card("standard"), realistic_timing=True) as sim:
            dlg.id_driver.setCurrentIndex(dlg.id_driver.findData("sam"))
            dlg.id_port.setEditText(sim.port)
            for kind in ("idcard", "camera", "signature"):
                dlg.test(kind)
                wait(app, lambda k=kind: dlg.results[k].property("answered") is True)
            shot(app, dlg, out, "screen-15-device-settings")
        dlg.test("idcard")  # the reader unplugged: its port is gone
        wait(app, lambda: dlg.results["idcard"].property("answered") is True)
        shot(app, dlg, out, "screen-16-device-settings-unplugged")
        dlg.close()
        admin.close()

        actor = login(ctx, "clerk01", DEMO_PASSWORD)
        set_sync_setting(ctx, SYSTEM, "platform_url", url)
        ensure_registered(ctx, url, DEMO_ENROLMENT_CODE)
        platform.stop()  # offline: the case and its pages wait
        _intake_with_pages(ctx, actor, [scanned_page(i, 700, 900) for i in range(3)])
        w = MainWindow(ctx, Operations(), actor)
        w.resize(1366, 800)
        w.show()
        w.devices.set_camera(FolderCamera())
        wait(app, lambda: w.sync_status.light.property("light") == "red", 40)
        shot(app, w, out, "screen-17-sync-attachments-waiting")
        print("status:", w.sync_status.queue.text(), "|", w.sync_status.toolTip().replace("\n", " / "))
        again = platform.start()  # the link is back
        if again != url:  # the preferred port was taken meanwhile
            set_sync_setting(ctx, SYSTEM, "platform_url", again)
            ensure_registered(ctx, again, DEMO_ENROLMENT_CODE)
        w.sync.sync_now()
        wait(app, lambda: w.sync_status.queue.text() == "待上传 0" and w.sync_status.light.property("light") == "green", 60)
        shot(app, w, out, "screen-18-sync-attachments-sent")
        print("status:", w.sync_status.queue.text(), "|", w.sync_status.toolTip().replace("\n", " / "))
        w.close()
        ctx.close()
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
