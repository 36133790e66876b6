"""The Set panel: legend and drag brush, live rules, the details form, the duplicate warning, buttons.

It displays what the controller gives it and emits what the user does; it validates nothing itself.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.domain.models import Role
from mastoc.ui import styles
from mastoc.ui.setting.draft import BRUSHES, Details, Roles

_SWATCH = {"hand": "#d0d0d0", "start": styles.START[:7], "top": styles.TOP[:7], "start + top": styles.START[:7],
           "feet only": styles.FEET[:7], "off": "#808080"}


class SetPanel(QWidget):
    brushChosen = Signal(object)  # Roles
    detailEdited = Signal(str, object)  # field, value
    saveRequested = Signal()
    newRequested = Signal()
    deleteRequested = Signal()
    doneRequested = Signal()
    mirrorToggled = Signal(bool)
    heatToggled = Signal(bool)
    duplicateClicked = Signal(str)  # climb id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("set-panel")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        # legend: the click order and the brush of a drag
        legend = QGridLayout()
        legend.setSpacing(3)
        self.brushes = QButtonGroup(self)
        self.brush_buttons: dict[str, QToolButton] = {}
        for i, (label, roles) in enumerate(BRUSHES):
            b = QToolButton(text=self.tr(label))
            b.setCheckable(True)
            c = _SWATCH[label]
            extra = f"border-top: 3px solid {styles.TOP[:7]};" if label == "start + top" else ""
            b.setStyleSheet(f"QToolButton {{ border: 3px solid {c}; {extra} border-radius: 5px; padding: 1px 6px; }}"
                            "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text); }")
            b.setToolTip(self.tr("Drag across holds to paint them: %1").replace("%1", self.tr(label)))
            b.clicked.connect(lambda _=False, r=roles: self.brushChosen.emit(r))
            self.brushes.addButton(b)
            self.brush_buttons[label] = b
            legend.addWidget(b, i // 3, i % 3)
        legend.setColumnStretch(3, 1)
        self.brush_buttons["hand"].setChecked(True)
        self.hint = QLabel(self.tr("Click a hold: hand → start → top → feet only → off. Shift- or Ctrl-click "
                                   "removes it. Drag across holds to paint the brush chosen above."))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")
        self.counts = QLabel()
        self.rules = QLabel()
        self.rules.setObjectName("set-rules")
        self.rules.setWordWrap(True)
        self.rules.setTextFormat(Qt.TextFormat.RichText)
        # details
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Name (3 to 80 characters)"))
        self.name_message = QLabel()
        self.name_message.setStyleSheet("color: #c0392b;")
        self.grade = QComboBox()
        self.feet = QComboBox()
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("Description (optional)"))
        self.description.setFixedHeight(self.fontMetrics().height() * 2 + 12)
        self.private = QCheckBox(self.tr("Private (only for me)"))
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Name"), self.name)
        form.addRow("", self.name_message)
        row = QHBoxLayout()
        row.addWidget(self.grade)
        row.addWidget(QLabel(self.tr("Feet")))
        row.addWidget(self.feet, 1)
        form.addRow(self.tr("Grade"), row)
        form.addRow(self.tr("About"), self.description)
        form.addRow("", self.private)
        # duplicates
        self.dup_title = QLabel()
        self.dup_title.setWordWrap(True)
        self.dup_title.setStyleSheet("color: #b9770e; font-weight: 600;")
        self.dups = QListWidget()
        self._row_h = self.fontMetrics().height() + 4
        self.dups.setToolTip(self.tr("Click one to see it on the wall (dashed)"))
        # buttons
        self.save_btn = QPushButton(self.tr("Save"))
        self.save_btn.setDefault(True)
        self.new_btn = QPushButton(self.tr("New"))
        self.delete_btn = QPushButton(self.tr("Delete…"))
        self.done_btn = QPushButton(self.tr("Done"))
        self.mirror_btn = QToolButton(text=self.tr("Mirror"))
        self.mirror_btn.setCheckable(True)
        self.heat_btn = QToolButton(text=self.tr("Usage heatmap"))
        self.heat_btn.setCheckable(True)
        self.heat_btn.setToolTip(self.tr("Show how many climbs use each hold, under the climb being set"))
        tools = QHBoxLayout()
        tools.addWidget(self.mirror_btn)
        tools.addWidget(self.heat_btn)
        tools.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.save_btn, self.new_btn, self.delete_btn, self.done_btn):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        lay.addLayout(top)
        lay.addLayout(buttons)  # on top: always in view, however small the window
        lay.addLayout(legend)
        lay.addWidget(self.hint)
        lay.addWidget(self.counts)
        lay.addWidget(self.rules)
        lay.addLayout(form)
        lay.addWidget(self.dup_title)
        lay.addWidget(self.dups)
        lay.addLayout(tools)
        lay.addStretch(1)
        self._filling = False
        self.name.textEdited.connect(lambda t: self._edited("name", t))
        self.grade.activated.connect(lambda _i: self._edited("grade", self.grade.currentData()))
        self.feet.activated.connect(lambda _i: self._edited("feet_rule", self.feet.currentData()))
        self.description.textChanged.connect(lambda: self._edited("description", self.description.toPlainText()))
        self.private.toggled.connect(lambda on: self._edited("is_private", on))
        self.save_btn.clicked.connect(self.saveRequested)
        self.new_btn.clicked.connect(self.newRequested)
        self.delete_btn.clicked.connect(self.deleteRequested)
        self.done_btn.clicked.connect(self.doneRequested)
        self.mirror_btn.toggled.connect(self.mirrorToggled)
        self.heat_btn.toggled.connect(self.heatToggled)
        self.dups.itemClicked.connect(lambda item: self.duplicateClicked.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.show_duplicates([])

    def _edited(self, key: str, value: object) -> None:
        if not self._filling:
            self.detailEdited.emit(key, value)

    # --- filled by the controller ----------------------------------------------------------
    def set_choices(self, grade_labels: Sequence[str], feet_rules: Sequence[str]) -> None:
        self._filling = True
        self.grade.clear()
        self.grade.addItem("?", "?")
        for g in grade_labels:
            self.grade.addItem(g, g)
        self.feet.clear()
        for r in feet_rules:
            self.feet.addItem(r, r)
        self.feet.setEnabled(bool(feet_rules))
        self._filling = False

    def show_details(self, d: Details) -> None:
        self._filling = True
        if self.name.text() != d.name:
            self.name.setText(d.name)
        i = self.grade.findData(d.grade)
        self.grade.setCurrentIndex(max(0, i))
        j = self.feet.findData(d.feet_rule)
        if j >= 0:
            self.feet.setCurrentIndex(j)
        if self.description.toPlainText() != d.description:
            self.description.setPlainText(d.description)
        self.private.setChecked(d.is_private)
        self._filling = False

    def show_state(self, title: str, counts: Sequence[tuple[Roles, int]], rules: Sequence[str],
                   name_problem: str, can_save: bool, can_delete: bool, read_only: str | None) -> None:
        self.title.setText(title)
        parts = [f"{n} {self.tr(_word(r))}" for r, n in counts if n]
        self.counts.setText(" · ".join(parts) if parts else self.tr("No holds yet."))
        if read_only:
            self.rules.setText(f"<span style='color:#b9770e'>{html.escape(read_only)}</span>")
        elif rules:
            self.rules.setText("<br>".join(f"<span style='color:#c0392b'>✗ {html.escape(r)}</span>" for r in rules))
        else:
            self.rules.setText(f"<span style='color:#1e8449'>✓ {self.tr('The holds follow the rules.')}</span>")
        self.name_message.setText(name_problem)
        self.name_message.setVisible(bool(name_problem))
        self.save_btn.setEnabled(can_save)
        self.delete_btn.setEnabled(can_delete)

    def show_duplicates(self, lines: Sequence[tuple[str, str]]) -> None:
        """(climb id, one line naming it) of each possible duplicate."""
        self.dups.clear()
        for cid, text in lines:
            item = QListWidgetItem("⚠ " + text)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.dups.addItem(item)
        n = len(lines)
        self.dup_title.setText(self.tr("Possible duplicate: 1 climb on this face — click it to see it on the wall") if n == 1 else
                                self.tr("Possible duplicates: %1 climbs on this face — click one to see it").replace("%1", str(n)))
        self.dup_title.setVisible(bool(n))
        self.dups.setVisible(bool(n))
        self.dups.setFixedHeight(self._row_h * max(1, min(n, 4)) + 6)

    def set_brush(self, label: str) -> None:
        self.brush_buttons[label].setChecked(True)


def _word(roles: Roles) -> str:
    if roles == frozenset({Role.START, Role.TOP}):
        return "start + top"
    return {Role.START: "start", Role.TOP: "top", Role.OTHER: "hand", Role.FEET: "feet only"}[next(iter(roles))]
