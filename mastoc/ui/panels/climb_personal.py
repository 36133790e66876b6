"""The climber's own part of the Climb tab: project flag, personal rating (1–5) and notes, "add to
list", and the logbook (history of sessions, and a row to log one: date, attempts, sent, flashed,
note). Changes go through the `ListsController` (undoable); the panel re-reads the store after each.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.edits import logbook
from mastoc.edits.changes import Changes
from mastoc.store import list_rows
from mastoc.store.db import Store
from mastoc.ui.lists_controller import ListsController


class ClimbPersonal(QWidget):
    addToList = Signal(str, str)  # list id, climb id

    def __init__(self, store: Store, controller: ListsController, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.controller = controller
        self.climb_id: str | None = None
        self.project = QCheckBox(self.tr("Project"))
        self.rating = QComboBox()
        self.rating.addItem(self.tr("My rating: —"), None)
        for n in range(1, 6):
            self.rating.addItem("★" * n, n)
        self.notes = QLineEdit(placeholderText=self.tr("My notes on this climb"))
        self.add_btn = QToolButton(text=self.tr("Add to list ▾"))
        self.add_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self)
        self.add_btn.setMenu(self.add_menu)
        self.add_menu.aboutToShow.connect(self._fill_lists)
        self.history = QListWidget()
        self.history.setMaximumHeight(90)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.attempts = QSpinBox()
        self.attempts.setRange(0, 999)
        self.attempts.setPrefix(self.tr("tries "))
        self.sent = QCheckBox(self.tr("Sent"))
        self.flashed = QCheckBox(self.tr("Flash"))
        self.session_note = QLineEdit(placeholderText=self.tr("Session note"))
        self.log_btn = QPushButton(self.tr("Log session"))
        self.in_lists = QLabel("")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 0)
        row = QHBoxLayout()
        row.addWidget(self.project)
        row.addWidget(self.rating)
        row.addWidget(self.notes, 1)
        row.addWidget(self.add_btn)
        lay.addLayout(row)
        lay.addWidget(self.in_lists)
        lay.addWidget(QLabel(self.tr("Logbook")))
        lay.addWidget(self.history)
        row = QHBoxLayout()
        for w in (self.date, self.attempts, self.sent, self.flashed):
            row.addWidget(w)
        row.addWidget(self.session_note, 1)
        row.addWidget(self.log_btn)
        lay.addLayout(row)

        self.project.clicked.connect(lambda on: self._set(is_project=on))
        self.rating.activated.connect(lambda _i: self._set(personal_rating=self.rating.currentData()))
        self.notes.editingFinished.connect(self._notes_done)
        self.log_btn.clicked.connect(self.log_session)
        self.controller.changed.connect(self._on_changed)
        self.show_climb(None)

    def show_climb(self, climb_id: str | None) -> None:
        self.climb_id = climb_id
        exists = climb_id is not None and self.store.conn.execute(
            "SELECT 1 FROM climbs WHERE id = ?", (climb_id,)).fetchone() is not None
        self.setEnabled(exists)
        if not exists or climb_id is None:
            self.history.clear()
            self.in_lists.setText("")
            return
        p = logbook.personal(self.store, climb_id)
        self.project.setChecked(p["is_project"])
        self.rating.setCurrentIndex(max(0, self.rating.findData(p["personal_rating"])) if p["personal_rating"] else 0)
        if not self.notes.hasFocus():
            self.notes.setText(p["personal_notes"] or "")
        self.history.clear()
        for s in logbook.sessions(self.store, climb_id):
            what = self.tr("flash") if s.flashed else self.tr("sent") if s.sent else self.tr("tried")
            tries = "" if s.attempts is None else self.tr(", %1 tries").replace("%1", str(s.attempts))
            note = f" — {s.note}" if s.note else ""
            self.history.addItem(f"{s.date or '?'}  {what}{tries}{note}")
        if self.history.count() == 0:
            self.history.addItem(self.tr("No session logged yet."))
        names = [x.name for x in list_rows.all_lists(self.store)
                 if x.id in {r[0] for r in self.store.conn.execute(
                     "SELECT list_id FROM list_items WHERE climb_id = ?", (climb_id,))}]
        self.in_lists.setText(self.tr("In lists: %1").replace("%1", ", ".join(names)) if names else "")

    def _on_changed(self, changes: Changes) -> None:
        if self.climb_id and (self.climb_id in changes.climbs or changes.list_items or changes.lists):
            self.show_climb(self.climb_id)

    def _set(self, **fields) -> None:  # type: ignore[no-untyped-def]
        if self.climb_id:
            self.controller.set_personal(self.climb_id, **fields)

    def _notes_done(self) -> None:
        if not self.climb_id:
            return
        text = self.notes.text().strip() or None
        if text != logbook.personal(self.store, self.climb_id)["personal_notes"]:
            self._set(personal_notes=text)

    def log_session(self) -> None:
        if not self.climb_id:
            return
        flashed = self.flashed.isChecked()
        attempts = self.attempts.value() or None
        if self.controller.add_session(self.climb_id, date=self.date.date().toString("yyyy-MM-dd"),
                                       attempts=1 if flashed else attempts, sent=self.sent.isChecked() or flashed,
                                       flashed=flashed, note=self.session_note.text().strip() or None):
            self.session_note.clear()

    def _fill_lists(self) -> None:
        self.add_menu.clear()
        lists = list_rows.all_lists(self.store)
        for x in lists:
            a = self.add_menu.addAction(x.name)
            a.triggered.connect(lambda _=False, lid=x.id: self.climb_id and self.addToList.emit(lid, self.climb_id))
        if not lists:
            self.add_menu.addAction(self.tr("(no list yet: create one in the Lists tab)")).setEnabled(False)
