"""The main window: wires the wall, its modes, the side panels, the menus and the sync panel together.

It computes nothing itself: queries run through `data` on worker threads (`TaskRunner`), styling is in
`styles`, picking in `wall.model`, gestures and hold styling in the wall modes (`wall.modes`), the
menus in `menus`, the side panels in `panels`, the loading of backups and syncs in `window_io`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QSplitter

from mastoc.domain.models import Face
from mastoc.store.db import Store
from mastoc.store.search import ClimbQuery, ClimbRow, HoldFilter, HoldStat
from mastoc.ui import data, first_start, menus, preferences, styles
from mastoc.ui.drawing import install as drawing
from mastoc.ui.menus import GRADE_SYSTEM_NAMES
from mastoc.ui.panels import HEAT_KINDS
from mastoc.ui.panels.climb_model import ClimbListModel
from mastoc.ui.panels.side import TAB_CLIMB, TAB_GRADES, TAB_HEAT, TAB_HOLD, SidePanel
from mastoc.ui.setting.wiring import SET_HINT, SetWiring
from mastoc.ui.styles import SearchState
from mastoc.ui.tasks import TaskRunner
from mastoc.ui.wall import overlay
from mastoc.ui.wall.heat import heat_view
from mastoc.ui.wall.modes import Mode
from mastoc.ui.wall.scene import WallScene
from mastoc.ui.wall.view import WallView
from mastoc.ui.window_climbs import ClimbNavMixin
from mastoc.ui.window_io import IoMixin
from mastoc.ui.window_lists import ListsMixin

__all__ = ["GRADE_SYSTEM_NAMES", "TAB_CLIMB", "TAB_GRADES", "TAB_HEAT", "TAB_HOLD", "MainWindow"]


MODE_HINTS = {
    Mode.BROWSE: "Browse: pick a climb in the list; click a hold to see the climbs that use it.",
    Mode.HOLD_SEARCH: "Search by holds: each click cycles any → start → top → feet → not → off.",
    Mode.HEATMAP: "Heatmap: holds coloured by the chosen measure.",
    Mode.SET: SET_HINT,
}


class MainWindow(IoMixin, ListsMixin, ClimbNavMixin, SetWiring, QMainWindow):
    faceLoaded = Signal(str)
    ready = Signal()  # face painted, first page listed, restored climb shown

    def __init__(self, store: Store, tasks: TaskRunner | None = None) -> None:
        super().__init__()
        self.store = store
        self.directory = Path(store.directory)
        self.tasks = tasks or TaskRunner(self)
        self.tasks.failed.connect(self.show_error)
        self.prefs = preferences.load(self.directory)
        self.face: Face | None = None
        self.current: ClimbRow | None = None
        self.heat_raw: dict[int, float] = {}
        self.heat_stats: dict[int, HoldStat] = {}
        self._ready_sent = False
        self._shown_first = False
        self._check_current = False
        self._advance_to: int | None = None
        self._pending_climb: str | None = self.prefs.selected_climb or None
        self._demo_id = first_start.demo_face_stokt_id()
        self.setWindowTitle("mastoc")

        self.scene = WallScene(self)
        self.scene.set_display(self.prefs.dim_level, self.prefs.outline_width)
        self.view = WallView(self.scene)
        self.view.setMinimumSize(320, 300)
        self.model = ClimbListModel(self.tasks, self.directory, self)
        self.model.set_grade_system(self.prefs.grade_system)
        self.side = side = SidePanel(self.model)
        self.welcome, self.filters, self.count_label, self.chips = side.welcome, side.filters, side.count_label, side.chips
        self.table, self.tabs, self.details = side.table, side.tabs, side.details
        self.hold_info, self.heat_panel, self.chart = side.hold_info, side.heat_panel, side.chart
        self.filters.set_grade_system(self.prefs.grade_system)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.statusBar().showMessage(self.tr("Loading…"))

        menus.build(self)
        self.install_set_mode()
        drawing.install(self)  # personal walls: File → New wall, Draw-holds mode (the window's undo stack)
        self.setup_lists()
        self._connect()
        from mastoc.ui.annotate.install import install as install_annotations

        install_annotations(self)  # Annotate mode, Annotate/Maintenance tabs, annotation filters
        if self.prefs.geometry is not None:
            self.restoreGeometry(self.prefs.geometry)
        else:
            self.resize(1280, 800)
        if self.prefs.splitter is not None:
            self.splitter.restoreState(self.prefs.splitter)
        else:
            self.splitter.setSizes([760, 520])
        self.filters.set_filters(self.prefs.filters)

    def _connect(self) -> None:
        self.filters.changed.connect(self.refresh_query)
        self.model.countsChanged.connect(self._on_counts)
        self.model.pageLoaded.connect(self._on_page)
        self.model.failed.connect(self.show_error)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.scene.holdClicked.connect(self._on_hold_clicked)
        self.scene.searchChanged.connect(self._on_search_changed)
        self.chips.removeRequested.connect(lambda n: self.scene.set_search_state(n, SearchState.OFF))
        self.chips.clearRequested.connect(self.scene.clear_search)
        # a climb picked in the hold's list keeps that list in view (walk through them one by one)
        self.hold_info.climbActivated.connect(lambda row: self.show_climb_row(row, show_details_tab=False))
        self.heat_panel.changed.connect(self.refresh_heat)
        self.welcome.load_btn.clicked.connect(self.choose_backup_files)
        self.welcome.stokt_btn.clicked.connect(self.import_from_stokt)
        self.welcome.server_btn.clicked.connect(self.connect_server)

    # --- faces -----------------------------------------------------------------------------

    def start(self) -> None:
        """Open the last face (or the first one) once the window exists."""
        faces = self.store.faces()
        if not faces:
            self.statusBar().showMessage(self.tr("The store has no wall yet: load a Stokt backup (File menu)."))
            self._maybe_ready(force=True)
            return
        wanted = self.prefs.last_face
        face = next((f for f in faces if wanted in (f.id, f.stokt_id)), None)
        if face is None:
            face = next((f for f in faces if f.stokt_id != self._demo_id), faces[0])
        self.open_face(face.id)

    def open_face(self, face_id: str) -> None:
        self.statusBar().showMessage(self.tr("Loading the wall…"))
        self.tasks.submit(data.load_face, self.directory, face_id, key="face", on_done=self._face_loaded,
                          on_error=lambda e: self.show_error(f"Could not open the wall: {e}"))

    def _face_loaded(self, fd: data.FaceData) -> None:
        changed = self.face is None or self.face.id != fd.face.id
        self.face = fd.face
        size = fd.photo_size or (fd.face.picture_width or 0, fd.face.picture_height or 0)
        self.scene.set_wall(fd.preview, fd.holds, size if all(size) else None)
        self.view.fit()
        if fd.photo_path is not None:
            face_id = fd.face.id
            self.tasks.submit(data.load_photo_levels, fd.photo_path, key="photo",
                              on_done=lambda levels: self._photo_loaded(face_id, levels))
        self.prefs.last_face = fd.face.id
        self.filters.set_feet_rules(list(fd.face.feet_rules_options))
        if changed:
            self.current = None
            self._shown_first = False
        self.welcome.setVisible(bool(self._demo_id) and fd.face.stokt_id == self._demo_id)
        title = fd.face.name or "wall"
        self.setWindowTitle(self.tr("mastoc — {0}").format(title))
        self.statusBar().showMessage(self.tr("{0}: {1} holds").format(title, len(fd.holds)), 5000)
        self.tasks.submit(data.setters, self.directory, fd.face.id, key="setters", on_done=self.filters.set_setters)
        self.refresh_query()
        if self._pending_climb:
            self.select_climb(self._pending_climb)
        self.offer_draft()  # before the Set mode starts a draft of its own
        self.setter.set_face(fd.face)
        self.faceLoaded.emit(fd.face.id)

    def _photo_loaded(self, face_id: str, levels: list) -> None:
        if self.face is not None and self.face.id == face_id:
            self.scene.set_photo_levels(levels)

    def fill_face_menu(self) -> None:
        self.face_menu.clear()
        for f in self.store.faces():
            a = self.face_menu.addAction(f.name or f.id)
            a.setCheckable(True)
            a.setChecked(self.face is not None and f.id == self.face.id)
            a.triggered.connect(lambda _=False, fid=f.id: self.open_face(fid))

    # --- queries ---------------------------------------------------------------------------

    def current_query(self) -> ClimbQuery:
        holds_all = tuple(HoldFilter(num, styles.SEARCH_ROLE[st]) for num, st in sorted(self.scene.search.items())
                          if st is not SearchState.EXCLUDED)
        holds_none = tuple(sorted(n for n, st in self.scene.search.items() if st is SearchState.EXCLUDED))
        return ClimbQuery(face_id=self.face.id if self.face else None, holds_all=holds_all, holds_none=holds_none,
                          **self.filters.query_kwargs(), **self.list_filter_kwargs())

    def refresh_query(self) -> None:
        if self.face is None:
            return
        self.prefs.filters = self.filters.filters()
        q = self.current_query()
        self.count_label.setText(self.tr("Counting…"))
        self._advance_to = None
        self._check_current = True
        self.model.set_query(q)
        self.tasks.submit(data.grade_histogram, self.directory, q, self.prefs.grade_system, key="histogram",
                          on_done=self.chart.set_bins)
        if self.scene.mode is Mode.HEATMAP and self.heat_panel.restrict.isChecked():
            self.refresh_heat()

    def _on_counts(self, matching: int, total: int) -> None:
        n = len(self.scene.search)
        why = (" · " + (self.tr("1 hold in the hold search") if n == 1 else self.tr("%1 holds in the hold search").replace("%1", str(n)))) if n else ""
        self.count_label.setText(self.tr("<b>{0}</b> of {1} climbs{2}").format(f"{matching:,}", f"{total:,}", why))
        self._maybe_ready()

    def _on_page(self, loaded: int) -> None:
        if self._advance_to is not None:
            target, self._advance_to = self._advance_to, None
            if target < self.model.rowCount():
                self._select_row(target)
        if self.current is None and self._pending_climb is None and not self._shown_first and self.model.rows:
            self._shown_first = True  # opening a wall shows its newest climb rather than a bare photo
            self._select_row(0)
        if self.current is not None:
            row = self.model.row_of(self.current.id)
            if row is not None and self.table.currentIndex().row() != row:
                self._select_row(row)
        self.verify_current()
        self._maybe_ready()

    def _maybe_ready(self, force: bool = False) -> None:
        if self._ready_sent:
            return
        if force or (self.face is not None and not self.model.is_loading() and self._pending_climb is None):
            self._ready_sent = True
            QTimer.singleShot(0, self.ready.emit)

    # --- holds -----------------------------------------------------------------------------

    def _on_hold_clicked(self, num: int) -> None:
        if self.scene.mode is not Mode.BROWSE or self.face is None:
            return
        q = ClimbQuery(face_id=self.face.id, holds_all=(HoldFilter(num),), sort="grade", limit=200)
        r = self.store.conn.execute("SELECT id FROM holds WHERE face_id = ? AND num = ?", (self.face.id, num)).fetchone()
        uuid = r[0] if r else None
        self.hold_info.show_hold(num, uuid, None, [], self.prefs.grade_system)
        self.tabs.setCurrentIndex(TAB_HOLD)

        def done(result: tuple[data.Counts, list[ClimbRow]]) -> None:
            counts, rows = result
            if self.hold_info.hold == num:
                self.hold_info.show_hold(num, uuid, counts.matching, rows, self.prefs.grade_system)

        self.tasks.submit(_hold_climbs, self.directory, q, key="hold-info", on_done=done)

    def _show_chips(self) -> None:
        """The hold criteria stay in view in every mode while they filter the list (and say so)."""
        searching = self.scene.mode == Mode.HOLD_SEARCH
        self.chips.setVisible(searching or bool(self.scene.search))
        self.chips.set_search(self.scene.search, still_active=not searching)

    def _on_search_changed(self) -> None:
        self._show_chips()
        self.refresh_query()

    # --- modes, heatmaps -------------------------------------------------------------------

    def set_mode(self, mode: str, force: bool = False) -> bool:
        """Switch the wall to a mode (False when the current mode refused, e.g. unsaved changes)."""
        if mode == Mode.SET and self.face is not None:
            self.setter.set_face(self.face)
        if not self.scene.set_mode(mode, force):
            self.mode_actions[str(self.scene.mode)].setChecked(True)
            return False
        self.mode_actions[str(mode)].setChecked(True)
        self._show_chips()
        if mode == Mode.HEATMAP:
            self.tabs.setCurrentIndex(TAB_HEAT)
            self.refresh_heat()
        if mode != Mode.HEATMAP and self.scene.search:
            self.refresh_query()
        hint = MODE_HINTS.get(str(mode))
        if hint:
            self.statusBar().showMessage(self.tr(hint))
        return True

    def refresh_heat(self) -> None:
        if self.face is None:
            return
        q = self.current_query() if self.heat_panel.restrict.isChecked() else None
        self.tasks.submit(data.hold_stats, self.directory, self.face.id, q, key="heat", on_done=self._heat_loaded)

    def _heat_loaded(self, stats: dict[int, HoldStat]) -> None:
        self.heat_stats = stats
        hv = heat_view(stats, self.heat_panel.current_kind(), self.prefs.grade_system,
                       (h.num for h in self.scene.holds), HEAT_KINDS)
        self.heat_raw = hv.raw
        r = self.scene.sceneRect()
        self.tasks.submit(overlay.render_heat, list(self.scene.holds), hv.scaled, (r.width(), r.height()),
                          self.prefs.outline_width, key="heat-render",
                          on_done=lambda img: self.scene.set_heat(hv.scaled, img))
        self.heat_panel.legend.set_range(*hv.legend)
        self.heat_panel.note.setText(hv.note)

    # --- display options -------------------------------------------------------------------

    def set_grade_system(self, system: str) -> None:
        self.prefs.grade_system = system
        self.filters.set_grade_system(system)
        self.model.set_grade_system(system)
        for a in self.grade_group.actions():
            a.setChecked(a.data() == system)
        self._show_details()
        self.refresh_query()
        if self.scene.mode is Mode.HEATMAP:
            self.refresh_heat()

    def open_preferences(self) -> None:
        from mastoc.ui.preferences_dialog import PreferencesDialog

        dlg = PreferencesDialog(GRADE_SYSTEM_NAMES, self.prefs.grade_system, self.prefs.dim_level,
                                self.prefs.outline_width, self)
        dlg.gradeSystemChanged.connect(self.set_grade_system)
        dlg.dimChanged.connect(self.set_dim)
        dlg.outlineChanged.connect(self.set_outline)
        self.preferences_dialog = dlg
        dlg.open()  # window-modal, not a nested event loop

    def set_dim(self, level: float) -> None:
        self.prefs.dim_level = max(0.0, min(0.9, round(level, 2)))
        self.scene.set_display(dim_level=self.prefs.dim_level)
        self.statusBar().showMessage(self.tr("Dimming {0} %").format(round(self.prefs.dim_level * 100)), 2000)

    def set_outline(self, width: float) -> None:
        self.prefs.outline_width = max(1.0, min(6.0, width))
        self.scene.set_display(outline_width=self.prefs.outline_width)

    def about(self) -> None:
        from mastoc import __version__

        self._inform("About mastoc", f"mastoc {__version__}\nLocal-first board-wall climbs, synced by hand.")

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    # --- persistence -----------------------------------------------------------------------

    def save_preferences(self) -> None:
        self.prefs.geometry = self.saveGeometry()
        self.prefs.splitter = self.splitter.saveState()
        self.prefs.filters = self.filters.filters()
        preferences.save(self.directory, self.prefs)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close():
            event.ignore()
            return
        self.save_preferences()
        if getattr(self, "sync_panel", None) is not None:
            self.sync_panel.cancel()  # a running sync stops after its current batch (consistent store)
        super().closeEvent(event)


def _hold_climbs(directory: Path, q: ClimbQuery) -> tuple[data.Counts, list[ClimbRow]]:
    return data.counts(directory, q), data.page(directory, replace(q, limit=200))
