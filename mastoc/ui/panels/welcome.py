"""The first-start banner over the demo wall: what the user sees and the next steps."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)


class WelcomeBanner(QFrame):
    """First start: what the user is looking at, and the next steps."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("welcome")
        self.setStyleSheet("#welcome { background: palette(alternate-base); border-radius: 6px; }")
        title = QLabel(self.tr("<b>Welcome to mastoc.</b> This is the bundled <b>demo wall</b>: an invented board "
                               "with a few dozen climbs to try everything. Bring your own wall:"))
        title.setWordWrap(True)
        self.load_btn = QPushButton(self.tr("Load a Stokt backup…"))
        self.stokt_btn = QPushButton(self.tr("Import from Stokt…"))
        self.server_btn = QPushButton(self.tr("Connect to a mastoc server…"))
        self.close_btn = QToolButton(text="✕")
        self.close_btn.setToolTip(self.tr("Hide this message"))
        self.close_btn.setAutoRaise(True)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.close_btn, 0, Qt.AlignmentFlag.AlignTop)
        btns = QGridLayout()  # two rows: the buttons keep their text in a narrow side panel
        btns.addWidget(self.load_btn, 0, 0)
        btns.addWidget(self.stokt_btn, 0, 1)
        btns.addWidget(self.server_btn, 1, 0, 1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(top)
        lay.addLayout(btns)
        self.close_btn.clicked.connect(self.hide)
