"""A conflict, field by field: the version at the last sync (the base), mine and theirs.

`ConflictTable` shows a `PreviewItem.compare` list — `(field, base, mine, theirs)` per field that is
not the same in all three — as a small table under the conflict's row in the preview, so "keep mine"
or "take theirs" is never a blind choice. A value that changed since the base is in bold; a version
that does not exist (deleted on that side, or a base this computer never recorded) reads "—".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from mastoc.ui.sync_words import FIELD_WORDS

MAX_TEXT = 60  # longer values are cut in the cell; the tooltip has all of it
_BOOLEANS = {"is_private", "is_public", "is_benchmark", "is_project", "has_symmetry", "is_active"}


_LABELS = {"grade_ircra": "grade (IRCRA)", "grade_font": "grade"}


def field_label(name: str) -> str:
    return _LABELS.get(name) or FIELD_WORDS.get(name, name.replace("_", " "))


def value_text(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in _BOOLEANS:
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class ConflictTable(QTableWidget):
    """Rows: the fields that differ; columns: field, base, mine, theirs (`theirs_name` names the other side)."""

    def __init__(self, compare: list[tuple[str, Any, Any, Any]], theirs_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(len(compare), 4, parent)
        self.setObjectName("conflict-compare")
        self.setHorizontalHeaderLabels([self.tr("Field"), self.tr("At the last sync"), self.tr("Mine (this computer)"),
                                        self.tr("Theirs ({0})").replace("{0}", theirs_name)])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(False)
        h = self.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2, 3):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self._texts: list[tuple[str, str, str, str]] = []
        for r, (name, base, mine, theirs) in enumerate(compare):
            texts = (field_label(name), value_text(name, base), value_text(name, mine), value_text(name, theirs))
            self._texts.append(texts)
            for c, text in enumerate(texts):
                cell = QTableWidgetItem(_short(text))
                cell.setToolTip(text)
                if c in (2, 3) and text != texts[1]:  # changed since the last sync on that side
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.setItem(r, c, cell)
        self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def cell_texts(self) -> list[tuple[str, str, str, str]]:
        """(field, base, mine, theirs) as shown, full length (tests and the screenshot)."""
        return list(self._texts)
