"""The devices in the status bar: one light and a word per device, fed by DeviceBridge.state_changed."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.devices.bridge import KIND_LABELS, STATE_LABELS, DeviceBridge
from ui.widgets import named

STATE_COLOURS = {"off": "#7a7a7a", "idle": "#1f7a3a", "busy": "#b58100", "error": "#c62828"}
SHORT_NAMES = {"idcard": "读卡器", "camera": "高拍仪"}


def device_status_text(kind: str, state: str) -> str:
    """'读卡器' with a green light when ready, '高拍仪 故障' otherwise — the bar at 1366 px also
    holds the platform link and the queue, so "就绪" is said by the light and the tooltip
    alone (pure: tested without a window)."""
    name = SHORT_NAMES.get(kind, kind)
    return name if state == "idle" else f"{name} {STATE_LABELS.get(state, state)}"


class DeviceStatusWidget(QWidget):
    def __init__(self, bridge: DeviceBridge, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        for kind in SHORT_NAMES:
            label = named(QLabel(""), f"status_device_{kind}", f"{KIND_LABELS[kind]}状态")
            layout.addWidget(label)
            self.labels[kind] = label
            self.show_state(kind, bridge.state(kind))
        bridge.state_changed.connect(self.show_state)

    def show_state(self, kind: str, state: str) -> None:
        label = self.labels.get(kind)
        if label is None:
            return
        colour = STATE_COLOURS.get(state, "#7a7a7a")
        label.setText(f'<span style="color:{colour}">●</span> {device_status_text(kind, state)}')
        label.setToolTip(f"{KIND_LABELS[kind]}：{STATE_LABELS.get(state, state)}")
