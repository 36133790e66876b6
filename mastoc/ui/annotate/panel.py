"""The Annotate tab: my annotation of the selected hold(s), the consensus, and the overlay with its legend.

One hold: each field shows my value; changing a field saves it at once (`fieldChanged`). Several
holds: a field shows the common value or "(mixed)", and changing it sets that one field on every
selected hold (batch edit). Notes are saved with their button (or Ctrl+Return). The widget computes
nothing: the window gives it values (`show_selection`) and acts on its signals.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.domain import annotations as dom
from mastoc.ui.annotate import looks

MIXED = "\x00mixed"


class AnnotationPanel(QWidget):
    fieldChanged = Signal(str, object)  # field, value (None clears)
    clearRequested = Signal()
    overlayChanged = Signal(str, str)  # overlay, source

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._quiet = False
        self.title = QLabel(self.tr("Click a hold to annotate it; shift-click or drag to select several."))
        self.title.setWordWrap(True)
        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        self.descriptions: dict[str, QLabel] = {}
        names = {"grip_type": self.tr("Grip type"), "condition": self.tr("Condition"),
                 "difficulty": self.tr("Difficulty")}
        for dim in dom.DIMENSIONS:
            combo = QComboBox()
            combo.addItem(self.tr("— none —"), None)
            for c in dom.CHOICES[dim]:
                combo.addItem(self.tr(c.label), c.value)
                combo.setItemData(combo.count() - 1, self.tr(c.description), Qt.ItemDataRole.ToolTipRole)
            combo.currentIndexChanged.connect(lambda _i, d=dim: self._combo_changed(d))
            desc = QLabel("")
            desc.setStyleSheet("color: gray")
            desc.setWordWrap(True)
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(combo)
            box.addWidget(desc)
            form.addRow(names[dim], box)
            self.combos[dim], self.descriptions[dim] = combo, desc
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes (saved with the button or Ctrl+Return)"))
        self.notes.setMaximumHeight(70)
        self.save_notes = QPushButton(self.tr("Save notes"))
        self.save_notes.clicked.connect(lambda: self.fieldChanged.emit("notes", self.notes.toPlainText()))
        QShortcut(QKeySequence("Ctrl+Return"), self.notes, activated=self.save_notes.click)
        self.clear_btn = QPushButton(self.tr("Clear my annotation"))
        self.clear_btn.clicked.connect(self.clearRequested)
        row = QHBoxLayout()
        row.addWidget(self.save_notes)
        row.addWidget(self.clear_btn)
        row.addStretch(1)
        form.addRow(self.tr("Notes"), self.notes)
        self.consensus = QLabel("")
        self.consensus.setTextFormat(Qt.TextFormat.RichText)
        self.consensus.setWordWrap(True)

        overlay_box = QGroupBox(self.tr("Overlay"))
        self.overlay = QComboBox()
        for key, text in (("condition", self.tr("By condition")), ("grip_type", self.tr("By grip type")),
                          ("difficulty", self.tr("By difficulty")), ("notes", self.tr("Has notes"))):
            self.overlay.addItem(text, key)
        self.mine = QRadioButton(self.tr("Mine"))
        self.cons = QRadioButton(self.tr("Consensus"))
        self.mine.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.mine)
        group.addButton(self.cons)
        self.legend = QWidget()  # colour swatches with labels, three to a row
        self.legend_grid = QGridLayout(self.legend)
        self.legend_grid.setContentsMargins(0, 0, 0, 0)
        self.legend_grid.setHorizontalSpacing(12)
        self.legend_grid.setVerticalSpacing(2)
        self.legend_entries: list[tuple[str, str]] = []  # (colour, label) as shown
        self.overlay.currentIndexChanged.connect(self._overlay_changed)
        self.mine.toggled.connect(self._overlay_changed)
        ol = QVBoxLayout(overlay_box)
        top = QHBoxLayout()
        top.addWidget(self.overlay, 1)
        top.addWidget(self.mine)
        top.addWidget(self.cons)
        ol.addLayout(top)
        ol.addWidget(self.legend)

        lay = QVBoxLayout(self)
        lay.addWidget(overlay_box)
        lay.addWidget(self.title)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.consensus)
        lay.addStretch(1)
        self._fill_legend()
        self.show_selection([], {}, None)

    # --- what is shown -------------------------------------------------------------------
    def show_selection(self, names: list[str], values: Mapping[str, object], consensus: dom.Consensus | None) -> None:
        """`names`: the selected holds' public ids; `values`: per field the common value (MIXED when
        they differ); `consensus`: the single hold's consensus (None for several or no hold)."""
        self._quiet = True
        enabled = bool(names)
        if not names:
            self.title.setText(self.tr("Click a hold to annotate it; shift-click or drag to select several."))
        elif len(names) == 1:
            self.title.setText(self.tr("<b>Hold %1</b> — my annotation").replace("%1", html.escape(names[0])))
        else:
            self.title.setText(self.tr("<b>%1 holds selected</b> — a change sets that field on all of them")
                               .replace("%1", str(len(names))))
        for dim, combo in self.combos.items():
            value = values.get(dim)
            mixed_index = combo.findData(MIXED)
            if value == MIXED:
                if mixed_index < 0:
                    combo.addItem(self.tr("(mixed)"), MIXED)
                    mixed_index = combo.count() - 1
                combo.setCurrentIndex(mixed_index)
            else:
                if mixed_index >= 0:
                    combo.removeItem(mixed_index)
                combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.setEnabled(enabled)
            self._describe(dim)
        notes = values.get("notes")
        self.notes.setPlainText("" if notes in (None, MIXED) else str(notes))
        self.notes.setPlaceholderText(self.tr("(mixed notes)") if notes == MIXED else
                                      self.tr("Notes (saved with the button or Ctrl+Return)"))
        for w in (self.notes, self.save_notes, self.clear_btn):
            w.setEnabled(enabled)
        self.consensus.setText(self._consensus_text(consensus) if len(names) == 1 else "")
        self._quiet = False

    def _consensus_text(self, c: dom.Consensus | None) -> str:
        if c is None or not c.total_annotators:
            return self.tr("<i>Consensus: no annotation known yet (sync to see other people's).</i>")
        rows = []
        for dim in dom.DIMENSIONS:
            v = c.vote(dim)
            if v.value:
                rows.append(f"{html.escape(dom.DIMENSION_LABELS[dim])}: <b>{html.escape(dom.label(dim, v.value))}</b> "
                            f"({v.votes} {self.tr('votes')}, {round(v.confidence * 100)} %)")
        head = self.tr("Consensus of %1 annotator(s)").replace("%1", str(c.total_annotators))
        return f"<b>{head}</b><br>" + ("<br>".join(rows) or self.tr("no values, only notes"))

    def _describe(self, dim: str) -> None:
        combo = self.combos[dim]
        value = combo.currentData()
        text = next((c.description for c in dom.CHOICES[dim] if c.value == value), "")
        self.descriptions[dim].setText(self.tr(text) if text else "")

    def _fill_legend(self) -> None:
        while self.legend_grid.count():
            w = self.legend_grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.legend_entries = []
        for i, (colour, label, description) in enumerate(looks.legend(self.current_overlay())):
            cell = QLabel(f"<span style='color:{colour}; font-size:14pt'>■</span> {html.escape(self.tr(label))}")
            cell.setToolTip(self.tr(description))
            self.legend_grid.addWidget(cell, i // 3, i % 3)
            self.legend_entries.append((colour, label))

    # --- state -------------------------------------------------------------------------
    def current_overlay(self) -> str:
        return str(self.overlay.currentData())

    def current_source(self) -> str:
        return "mine" if self.mine.isChecked() else "consensus"

    def set_overlay(self, overlay: str, source: str | None = None) -> None:
        """Show this overlay (and source): one `overlayChanged` when anything changed."""
        before = (self.current_overlay(), self.current_source())
        for w in (self.overlay, self.mine, self.cons):
            w.blockSignals(True)
        self.overlay.setCurrentIndex(max(0, self.overlay.findData(overlay)))
        if source is not None:
            (self.mine if source == "mine" else self.cons).setChecked(True)
        for w in (self.overlay, self.mine, self.cons):
            w.blockSignals(False)
        if (self.current_overlay(), self.current_source()) != before:
            self._overlay_changed()

    # --- signals -------------------------------------------------------------------------
    def _combo_changed(self, dim: str) -> None:
        self._describe(dim)
        if self._quiet:
            return
        value = self.combos[dim].currentData()
        if value == MIXED:
            return
        self.fieldChanged.emit(dim, value)

    def _overlay_changed(self, *_args) -> None:
        self._fill_legend()
        self.overlayChanged.emit(self.current_overlay(), self.current_source())
