"""Screenshots of the pick-up desk (issue 14), for looking at what we build (run under Xvfb):

    xvfb-run -a -s "-screen 0 1366x800x24" .venv/bin/python scripts/screenshots_pickup.py OUT_DIR

Demo data on a throw-away data directory, the simulated reader and a document camera serving
the agent's sample pages: the agent path (card read, 授权委托书 and ID copy captured, signed)
and the 已寄出 list with one certificate delivered and one past the 10 days of 第四十四条.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bootstrap import start_terminal  # noqa: E402
from app.config import Paths  # noqa: E402
from app.context import CHINA_TZ  # noqa: E402
from app.rules.handover import Mailing  # noqa: E402
from app.usecases.auth import login  # noqa: E402
from app.usecases.mailing import mail_certificate  # noqa: E402
from app.usecases.setup import DEMO_PASSWORD  # noqa: E402
from app.usecases.sync_pull import CertificateInfo, DeliveryInfo, ProgressEntry, apply_progress  # noqa: E402
from devices.camera.folder import PICKUP_SAMPLES_DIR, FolderCamera  # noqa: E402
from devices.signature.simulator import SimulatedSigner  # noqa: E402
from scripts.screen_tools import shot, spin  # noqa: E402
from ui.main import make_app  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.operations import Operations  # noqa: E402


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def ready(ctx, clerk, n: int) -> list[str]:  # noqa: ANN001
    from tests.sync.support import take_in

    numbers = take_in(ctx, clerk, n)
    for i, number in enumerate(numbers):
        cert = CertificateInfo(f"6203212026112{i:07d}", "营业执照（个体工商户）", "", "person", "张桂兰",
                               fields=(("scope", "日用百货零售"),))
        apply_progress(ctx, [ProgressEntry(number, "in_progress", progress_id=f"{number}a"),
                             ProgressEntry(number, "concluded_approved", progress_id=f"{number}b"),
                             ProgressEntry(number, "certificate_ready", progress_id=f"{number}c", certificate=cert)],
                       f"{number}{i}")
    return numbers


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app(sys.argv[:1])
    clock = Clock(datetime(2026, 11, 20, 9, 30, tzinfo=CHINA_TZ))
    ctx = start_terminal(Paths(Path(tempfile.mkdtemp())), clock=clock)
    clerk = login(ctx, "clerk01", DEMO_PASSWORD)
    pickup = login(ctx, "pickup01", DEMO_PASSWORD)
    late, delivered = ready(ctx, clerk, 2)
    mail_certificate(ctx, pickup, late, Mailing("ems", "RR473124829CN", "永昌县城关镇北海子路12号", "13893512345"))
    mail_certificate(ctx, pickup, delivered, Mailing("sf", "SF1234567890123", "金昌市金川区新华路8号", "0935-7521234"))
    clock.now = datetime(2026, 11, 24, 15, 0, tzinfo=CHINA_TZ)
    apply_progress(ctx, [ProgressEntry(delivered, "delivered", datetime(2026, 11, 24, 14, 35), "快递妥投", "d1",
                                       delivery=DeliveryInfo("SF1234567890123", "张桂兰"))], "d")
    clock.now = datetime(2026, 12, 7, 10, 0, tzinfo=CHINA_TZ)  # 11 working days on: the EMS parcel is late
    [agent_case, *_rest] = ready(ctx, clerk, 3)

    w = MainWindow(ctx, Operations(), pickup)
    w.devices.set_camera(FolderCamera(PICKUP_SAMPLES_DIR))
    w.resize(1366, 800)
    w.show()
    spin(app, 1.5)
    desk = w.pickup
    shot(app, w, out, "screen-12-pickup-ready")
    desk.open_case(agent_case)
    spin(app, 1.0)
    desk.mode.setCurrentIndex(1)  # 代理人领取
    desk.read_card()  # the simulated reader: the agent's card
    spin(app, 2.0)
    desk.capture_page()
    spin(app, 1.5)
    desk.capture_page()
    spin(app, 1.5)
    desk.pad.set_signature(SimulatedSigner(3).sign(desk.collector_name.text() or "李明"))
    shot(app, w, out, "screen-13-pickup-agent")
    desk.lists.setCurrentIndex(1)
    spin(app, 1.0)
    shot(app, w, out, "screen-14-pickup-mailed")
    w.close()
    ctx.close()


if __name__ == "__main__":
    main()
