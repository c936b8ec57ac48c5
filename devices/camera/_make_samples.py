"""Regenerate the simulator's sample pages: `python -m devices.camera._make_samples`.

Each is a page of paper lying on the camera's dark base plate, as a document camera sees it
(so cropping to the paper has something to do). Fictitious content, marked 样张.
"""

from __future__ import annotations

import random
import sys

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter, QPen

from app.config import resources_dir
from devices.camera.folder import PICKUP_SAMPLES_DIR as PICKUP_DIR
from devices.camera.folder import SAMPLES_DIR

SIZE = (900, 1240)
PAPER = QRect(40, 40, 820, 1160)  # where the paper lies: the crop a clerk would set


def _font(family: str, px: int, bold: bool = False) -> QFont:
    f = QFont(family)
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def _page(family: str, title: str, draw_body) -> QImage:  # noqa: ANN001
    img = QImage(*SIZE, QImage.Format.Format_Grayscale8)
    img.fill(QColor(70, 70, 70))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(PAPER, QColor(246, 246, 244))
    p.setPen(QColor(20, 20, 20))
    p.setFont(_font(family, 34, bold=True))
    p.drawText(QRect(PAPER.x(), PAPER.y() + 50, PAPER.width(), 50), Qt.AlignmentFlag.AlignCenter, title)
    draw_body(p, family)
    p.setPen(QColor(180, 40, 40))
    p.setFont(_font(family, 60, bold=True))
    p.drawText(QRect(PAPER.right() - 260, PAPER.y() + 20, 220, 80), Qt.AlignmentFlag.AlignCenter, "样张")
    p.end()
    return img


def _form(p: QPainter, family: str) -> None:
    p.setFont(_font(family, 20))
    labels = ["申请人姓名", "公民身份号码", "联系电话", "经营场所", "经营范围", "组成形式", "资金数额", "申请日期"]
    y = PAPER.y() + 150
    p.setPen(QPen(QColor(30, 30, 30), 2))
    for label in labels:
        p.drawRect(PAPER.x() + 60, y, PAPER.width() - 120, 80)
        p.drawLine(PAPER.x() + 260, y, PAPER.x() + 260, y + 80)
        p.drawText(QRect(PAPER.x() + 60, y, 200, 80), Qt.AlignmentFlag.AlignCenter, label)
        y += 80
    p.drawText(QRect(PAPER.x() + 60, y + 60, 600, 40), Qt.AlignmentFlag.AlignLeft, "申请人签字：")
    p.drawText(QRect(PAPER.x() + 60, y + 120, 600, 40), Qt.AlignmentFlag.AlignLeft, "年　　月　　日")


def _idcopy(p: QPainter, family: str) -> None:
    p.setFont(_font(family, 18))
    for i, side in enumerate(["人像面（示例）", "国徽面（示例）"]):
        box = QRect(PAPER.x() + 180, PAPER.y() + 170 + i * 380, 460, 290)
        p.setPen(QPen(QColor(60, 60, 60), 2))
        p.setBrush(QColor(225, 225, 222))
        p.drawRoundedRect(box, 18, 18)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawText(box.adjusted(20, 20, -20, -20), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, side)
        for k in range(4):
            p.drawLine(box.x() + 30, box.y() + 90 + k * 40, box.x() + 280, box.y() + 90 + k * 40)
    p.drawText(QRect(PAPER.x() + 60, PAPER.bottom() - 160, 700, 40), Qt.AlignmentFlag.AlignLeft,
               "此复印件仅供办理业务使用，他用无效。")


def _text(p: QPainter, family: str) -> None:
    rnd = random.Random(13)
    p.setPen(QPen(QColor(90, 90, 90), 7))
    y = PAPER.y() + 160
    while y < PAPER.bottom() - 120:
        indent = 40 if rnd.random() < 0.15 else 0
        width = rnd.randint(520, 680) - indent
        p.drawLine(PAPER.x() + 70 + indent, y, PAPER.x() + 70 + indent + width, y)
        y += 36 + (24 if rnd.random() < 0.12 else 0)


def _authorisation(p: QPainter, family: str) -> None:
    """授权委托书 for collecting a certificate (the pick-up desk's agent path)."""
    p.setFont(_font(family, 22))
    lines = ["委托人：张桂兰　　公民身份号码：6203211985********",
             "受托人：李　明　　公民身份号码：6203021990********",
             "", "现委托上述受托人代为领取本人申请的",
             "《营业执照（个体工商户）》正本、副本及相关文书。",
             "受托人在委托权限内签署的有关文件，委托人均予承认。", "",
             "委托期限：自签署之日起至证照领取完毕止。"]
    y = PAPER.y() + 170
    for line in lines:
        p.drawText(QRect(PAPER.x() + 70, y, PAPER.width() - 140, 40), Qt.AlignmentFlag.AlignLeft, line)
        y += 56
    p.drawText(QRect(PAPER.x() + 420, PAPER.bottom() - 260, 360, 40), Qt.AlignmentFlag.AlignLeft, "委托人（签字）：")
    p.drawText(QRect(PAPER.x() + 420, PAPER.bottom() - 190, 360, 40), Qt.AlignmentFlag.AlignLeft, "年　　月　　日")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 — text needs a GUI app
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / "wqy-microhei.ttc"))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    pages = [("page-1-application-form.jpg", "个体工商户登记申请表", _form),
             ("page-2-id-card-copy.jpg", "居民身份证复印件", _idcopy),
             ("page-3-lease-contract.jpg", "房屋租赁合同", _text)]
    SAMPLES_DIR.mkdir(exist_ok=True)
    for name, title, body in pages:
        path = SAMPLES_DIR / name
        _page(family, title, body).save(str(path), "JPG", 55)
        print(f"{path} {path.stat().st_size // 1024} KB")
    PICKUP_DIR.mkdir(exist_ok=True)
    for name, title, body in [("page-1-authorisation.jpg", "授权委托书", _authorisation),
                              ("page-2-id-card-copy.jpg", "居民身份证复印件（委托人）", _idcopy)]:
        path = PICKUP_DIR / name
        _page(family, title, body).save(str(path), "JPG", 55)
        print(f"{path} {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
