"""Which climb is shown: picked in the list, by id (switching face), next/previous through the pages,
hidden; the wall, the Climb tab and the list selection kept in step.

A mixin of `MainWindow` (it uses the window's store, model, table, scene and details panel).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex

from mastoc.domain import holdslist
from mastoc.store import search
from mastoc.store.search import ClimbQuery, ClimbRow
from mastoc.ui import data
from mastoc.ui.panels.side import TAB_CLIMB
from mastoc.ui.wall.modes import Mode


class ClimbNavMixin:
    """The shown climb, for `MainWindow`."""

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        if self.current is None or row.id != self.current.id:
            self.show_climb_row(row)

    def _select_row(self, row: int) -> None:
        self.table.select_row(row)

    def select_climb(self, key: str) -> bool:
        """Show a climb by mastoc id or Stokt id (switching face if needed)."""
        climb = self.store.climb(key)
        if climb is None:
            self._pending_climb = None
            self._maybe_ready()
            return False
        if self.face is None or climb.face_id != self.face.id:
            self._pending_climb = key
            self.open_face(climb.face_id)
            return True
        self._pending_climb = None
        row = ClimbRow(climb.id, climb.stokt_id, climb.face_id, climb.name, climb.grade_font, climb.grade_ircra,
                       climb.setter_id, climb.setter_name, climb.feet_rule, climb.is_benchmark, climb.is_private,
                       climb.climbed_by, climb.total_likes, None, climb.holds_list, climb.source.value)
        self.show_climb_row(row)
        self._maybe_ready()
        return True

    def show_climb_row(self, row: ClimbRow | None, show_details_tab: bool = True) -> None:
        if row is None:
            self.clear_climb()
            return
        self.current = row
        try:
            refs = holdslist.parse(row.holds_list)
        except holdslist.HoldsListError as exc:
            self.show_error(f"This climb's hold list is damaged: {exc}")
            refs = ()
        self.scene.set_climb(refs)
        self.prefs.selected_climb = row.id
        self._show_details()
        i = self.model.row_of(row.id)
        if i is not None and self.table.currentIndex().row() != i:
            self._select_row(i)
        if show_details_tab and self.tabs.currentIndex() != TAB_CLIMB and self.scene.mode is Mode.BROWSE:
            self.tabs.setCurrentIndex(TAB_CLIMB)

    def _show_details(self) -> None:
        if self.current is None:
            self.details.show_climb(None, self.prefs.grade_system)
            self.show_climb_state(None)
            return
        climb = self.store.climb(self.current.id)  # one primary-key row
        i = self.model.row_of(self.current.id)
        pos = "" if i is None or self.model.matching is None else f"{i + 1} of {self.model.matching:,} in the list"
        self.details.show_climb(climb, self.prefs.grade_system, pos)
        self.show_climb_state(climb)

    def verify_current(self) -> None:
        """After a new query: a shown climb that is no longer in the list is dropped from the wall and the
        Climb tab, and the list's first climb is shown instead (the climb being set stays)."""
        if not self._check_current or self.current is None or self.scene.mode == Mode.SET:
            return
        self._check_current = False
        if self.model.row_of(self.current.id) is not None:
            return
        if not self.model.has_more():
            self._drop_current(self.current.id)
            return
        cid = self.current.id
        self.tasks.submit(_in_query, self.directory, self.current_query(), cid, key="current-in-list",
                          on_done=lambda inside: None if inside else self._drop_current(cid))

    def _drop_current(self, climb_id: str) -> None:
        if self.current is None or self.current.id != climb_id:
            return
        self.clear_climb()
        if self.model.rows:
            self._select_row(0)

    def clear_climb(self) -> None:
        self.current = None
        self.prefs.selected_climb = ""
        self.scene.set_climb(None)
        self.table.clearSelection()
        self.details.show_climb(None, self.prefs.grade_system)
        self.show_climb_state(None)

    def _step(self, delta: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            return
        cur = self.table.currentIndex().row()
        if cur < 0:
            target = 0 if delta > 0 else n - 1
        else:
            target = cur + delta
        if target >= n and self.model.has_more():
            self._advance_to = n  # select the first row of the next page when it arrives
            self.model.fetchMore(QModelIndex())  # (no-op when that page is already on its way)
            return
        target = max(0, min(n - 1, target))
        self._select_row(target)

    def next_climb(self) -> None:
        self._step(1)

    def previous_climb(self) -> None:
        self._step(-1)


def _in_query(directory: Path, q: ClimbQuery, climb_id: str) -> bool:
    return search.contains(data.store_for_thread(directory).conn, q, climb_id)
