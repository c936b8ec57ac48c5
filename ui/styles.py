"""One stylesheet: large readable text, clear state colours (yellow near, red overdue)."""

YELLOW = "#fff3c4"
RED = "#ffd6d6"
GREEN = "#e3f6e3"

STYLESHEET = """
QWidget { font-size: 13pt; }
QLineEdit, QComboBox, QSpinBox, QDateEdit, QPlainTextEdit { padding: 3px 6px; min-height: 28px; }
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border: 2px solid #d33; background: #fff0f0; }
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateEdit:focus { border: 2px solid #2a6fdb; }
QPushButton { padding: 6px 14px; min-height: 30px; }
QPushButton:focus { border: 3px solid #2a6fdb; }
QCheckBox:focus { background: #dde8fb; border: 1px dashed #2a6fdb; }
QCheckBox::indicator:focus { border: 2px solid #2a6fdb; }
QPushButton#accept_button { background: #1f7a3a; color: white; font-weight: bold; }
QPushButton#supplement_button { background: #b36b00; color: white; font-weight: bold; }
QPushButton#reject_button { background: #a12a2a; color: white; font-weight: bold; }
QPushButton:disabled, QPushButton#accept_button:disabled, QPushButton#supplement_button:disabled,
QPushButton#reject_button:disabled { background: #d6d6d6; color: #8a8a8a; font-weight: normal; }
QLabel#section_title { font-size: 15pt; font-weight: bold; color: #1d3a6b; padding-top: 6px; }
QLabel[kind="error"] { background: #ffe5e5; color: #8a0000; border: 1px solid #e0a0a0; padding: 8px; }
QLabel[kind="ok"] { background: #e3f6e3; color: #11501f; border: 1px solid #9ccc9c; padding: 8px; }
QLabel[kind="warn"] { background: #fff3c4; color: #6b4e00; border: 1px solid #e0c060; padding: 8px; }
QLabel#item_blocked { background: #ffe5e5; color: #8a0000; padding: 8px; font-weight: bold; }
QListWidget::item { padding: 4px; }
QListWidget::item:selected, QTableView::item:selected { background: #2a6fdb; color: white; }
QStatusBar QLabel { padding: 0 10px; }
QTabBar::tab { padding: 8px 22px; font-size: 14pt; }
"""
