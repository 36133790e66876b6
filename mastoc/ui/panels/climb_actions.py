"""Under the Climb tab's details: the climb's Stokt state ("not on Stokt yet", "changed since pushed to
Stokt") and its actions — Edit, Duplicate and edit, Delete, Push to Stokt."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

STATE_WORDS = {"local only": "not on Stokt yet", "changed since pushed": "changed since pushed to Stokt"}


class ClimbActions(QWidget):
    editRequested = Signal()
    duplicateRequested = Signal()
    deleteRequested = Signal()
    pushRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.state = QLabel()
        self.state.setObjectName("climb-state")
        self.state.setStyleSheet("color: #b9770e; font-weight: 600;")
        self.edit_btn = QPushButton(self.tr("Edit"))
        self.dup_btn = QPushButton(self.tr("Duplicate and edit"))
        self.delete_btn = QPushButton(self.tr("Delete…"))
        self.push_btn = QPushButton(self.tr("Push to Stokt…"))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for b in (self.edit_btn, self.dup_btn, self.delete_btn, self.push_btn):
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 4)
        lay.addWidget(self.state)
        lay.addLayout(row)
        self.edit_btn.clicked.connect(self.editRequested)
        self.dup_btn.clicked.connect(self.duplicateRequested)
        self.delete_btn.clicked.connect(self.deleteRequested)
        self.push_btn.clicked.connect(self.pushRequested)
        self.show_for(None, "", None)

    def show_for(self, climb_id: str | None, state: str, read_only: str | None) -> None:
        """`state`: the edits' push state ("local only", "pushed", "changed since pushed", "imported")."""
        has = climb_id is not None
        words = STATE_WORDS.get(state, "")
        self.state.setText(self.tr(words) if words else "")
        self.state.setVisible(bool(words))
        self.edit_btn.setEnabled(has)
        self.edit_btn.setToolTip(read_only or self.tr("Change this climb's holds and details (Ctrl+E)"))
        self.dup_btn.setEnabled(has)
        self.delete_btn.setEnabled(has)
        self.push_btn.setVisible(bool(words))
