"""The summary shown after File → Load a Stokt backup: what was loaded and every problem, readable.

`BackupReportDialog(report)` takes the `LoadReport` of `mastoc.sync.backup.load_backup`: a headline
(how many rows are new or changed, or "nothing changed"), a table per kind of row (new / updated /
unchanged), the photos stored, and the files or items that were skipped (problems) or loaded with a
remark (warnings), in a list that can be read and copied. The window shows it with `open()` (no
nested event loop).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# table names of the report, in the order and wording shown
_KINDS = (("gyms", "Gyms"), ("walls", "Walls"), ("faces", "Faces"), ("holds", "Holds"), ("users", "Setters"),
          ("climbs", "Climbs"))


class BackupReportDialog(QDialog):
    """A readable summary of one backup load (see the module docstring)."""

    def __init__(self, report: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(self.tr("Stokt backup loaded"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        problems = list(report.problems)
        warnings = list(report.warnings)
        changed = int(report.changed)
        if changed:
            head = self.tr("The backup was loaded: {n} row(s) new or changed.").format(n=changed)
        else:
            head = self.tr("The backup was loaded: nothing changed.")
        if problems:
            head += " " + self.tr("{n} file(s) or item(s) were skipped (listed below).").format(n=len(problems))
        self.headline = QLabel(head)
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)

        kinds = [(key, label) for key, label in _KINDS if key in report.counts]
        self.table = QTableWidget(len(kinds), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("New"), self.tr("Updated"), self.tr("Unchanged")])
        self.table.setVerticalHeaderLabels([self.tr(label) for _key, label in kinds])
        for row, (key, _label) in enumerate(kinds):
            c = report.counts[key]
            for col, name in enumerate(("new", "updated", "unchanged")):
                self.table.setItem(row, col, QTableWidgetItem(f"{int(c.get(name, 0)):,}"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.resizeColumnsToContents()
        self.table.setMaximumHeight(self.table.verticalHeader().length() + self.table.horizontalHeader().height() + 6)
        layout.addWidget(self.table)
        photos = len(report.photos)
        layout.addWidget(QLabel(self.tr("Photos stored: {n}").format(n=photos) if photos
                                else self.tr("No photo stored.")))

        self.problems = QPlainTextEdit(self)
        self.problems.setReadOnly(True)
        lines = [self.tr("Skipped: {text}").format(text=p) for p in problems]
        lines += [self.tr("Note: {text}").format(text=w) for w in warnings]
        self.problems.setPlainText("\n".join(lines))
        self.problems.setVisible(bool(lines))
        if lines:
            layout.addWidget(QLabel(self.tr("Problems ({p}) and notes ({w}):").format(p=len(problems),
                                                                                     w=len(warnings))))
            layout.addWidget(self.problems, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        if lines:
            copy = QPushButton(self.tr("Copy the list"), self)
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.problems.toPlainText()))
            buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
