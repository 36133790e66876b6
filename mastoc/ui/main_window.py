"""The main window: wires the wall, the climb list, the filter bar and the side panels together.

It computes nothing itself: queries run through `data` on worker threads (`TaskRunner`), styling is in
`styles`, picking in `wall_model`, and the scene owns the interaction mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mastoc.domain import grades, holdslist
from mastoc.domain.models import Face
from mastoc.store.db import Store
from mastoc.store.search import ClimbQuery, ClimbRow, HoldFilter, HoldStat
from mastoc.ui import data, first_start, overlay, preferences, styles
from mastoc.ui.climb_model import ClimbListModel
from mastoc.ui.filter_bar import FilterBar
from mastoc.ui.panels import (
    HEAT_KINDS,
    ClimbDetails,
    GradeChart,
    HeatmapPanel,
    HoldChips,
    HoldInfo,
    WelcomeBanner,
)
from mastoc.ui.styles import SearchState
from mastoc.ui.tasks import TaskRunner
from mastoc.ui.wall_scene import Mode, WallScene
from mastoc.ui.wall_view import WallView

GRADE_SYSTEM_NAMES = {"font": "Font (6A+)", "hueco": "Hueco (V4)", "dankyu": "Dankyu (2Q)", "ircra": "IRCRA (18.5)"}
TAB_CLIMB, TAB_HOLD, TAB_HEAT, TAB_GRADES = range(4)


class MainWindow(QMainWindow):
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
        self._advance_to: int | None = None
        self._pending_climb: str | None = self.prefs.selected_climb or None
        self._demo_id = first_start.demo_face_stokt_id()
        self.setWindowTitle("mastoc")

        # wall
        self.scene = WallScene(self)
        self.scene.set_display(self.prefs.dim_level, self.prefs.outline_width)
        self.view = WallView(self.scene)
        self.view.setMinimumSize(320, 300)

        # side panel
        self.welcome = WelcomeBanner()
        self.welcome.hide()
        self.filters = FilterBar()
        self.filters.set_grade_system(self.prefs.grade_system)
        self.count_label = QLabel("")
        self.count_label.setObjectName("counts")
        self.chips = HoldChips()
        self.chips.hide()
        self.model = ClimbListModel(self.tasks, self.directory, self)
        self.model.set_grade_system(self.prefs.grade_system)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, fm.horizontalAdvance("Grade") + 24)
        self.table.setColumnWidth(2, fm.horizontalAdvance("Demo Setter WW") + 16)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.details = ClimbDetails()
        self.hold_info = HoldInfo()
        self.heat_panel = HeatmapPanel()
        self.chart = GradeChart()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.details, "Climb")
        self.tabs.addTab(self.hold_info, "Hold")
        self.tabs.addTab(self.heat_panel, "Heatmap")
        self.tabs.addTab(self.chart, "Grades")

        side = QWidget()
        lay = QVBoxLayout(side)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.welcome)
        lay.addWidget(self.filters)
        lay.addWidget(self.count_label)
        lay.addWidget(self.chips)
        inner = QSplitter(Qt.Orientation.Vertical)
        inner.addWidget(self.table)
        inner.addWidget(self.tabs)
        inner.setStretchFactor(0, 3)
        inner.setStretchFactor(1, 2)
        inner.setChildrenCollapsible(False)
        lay.addWidget(inner, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        side.setMinimumWidth(380)
        self.setCentralWidget(self.splitter)
        self.statusBar().showMessage("Loading…")

        self._build_actions()
        self._connect()
        if self.prefs.geometry is not None:
            self.restoreGeometry(self.prefs.geometry)
        else:
            self.resize(1280, 800)
        if self.prefs.splitter is not None:
            self.splitter.restoreState(self.prefs.splitter)
        else:
            self.splitter.setSizes([760, 520])
        self.filters.set_filters(self.prefs.filters)

    # --- construction ----------------------------------------------------------------------

    def _action(self, menu, text: str, slot: Callable, shortcut: str | QKeySequence | None = None,
                checkable: bool = False, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setCheckable(checkable)
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(slot)
        menu.addAction(a)
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        file = mb.addMenu("&File")
        self.act_load = self._action(file, "&Load a Stokt backup…", self.choose_backup_files, QKeySequence.StandardKey.Open,
                                     tip="Load saved Stokt responses (JSON files and the wall photo)")
        self._action(file, "Load a Stokt backup &folder…", self.choose_backup_folder, "Ctrl+Shift+O")
        file.addSeparator()
        self._action(file, "Import from &Stokt…", self.import_from_stokt)
        self._action(file, "Connect to a &mastoc server…", self.connect_server)
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = mb.addMenu("&Edit")
        self._action(edit, "&Preferences…", self.open_preferences, QKeySequence.StandardKey.Preferences)
        if QKeySequence(QKeySequence.StandardKey.Preferences).isEmpty():
            edit.actions()[-1].setShortcut(QKeySequence("Ctrl+,"))

        view = mb.addMenu("&View")
        self.mode_group = QActionGroup(self)
        self.act_browse = self._action(view, "&Browse", lambda: self.set_mode(Mode.BROWSE), "Ctrl+1", True)
        self.act_search = self._action(view, "Search by &holds", lambda: self.set_mode(Mode.HOLD_SEARCH), "Ctrl+2", True)
        self.act_heat = self._action(view, "&Heatmap", lambda: self.set_mode(Mode.HEATMAP), "Ctrl+3", True)
        for a in (self.act_browse, self.act_search, self.act_heat):
            self.mode_group.addAction(a)
        self.act_browse.setChecked(True)
        view.addSeparator()
        self._action(view, "Zoom &in", self.view.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self._action(view, "Zoom &out", self.view.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self._action(view, "&Fit wall to window", self.view.fit, "Ctrl+0")
        view.addSeparator()
        gs = view.addMenu("&Grade system")
        self.grade_group = QActionGroup(self)
        for key, text in GRADE_SYSTEM_NAMES.items():
            a = self._action(gs, text, lambda _=False, k=key: self.set_grade_system(k), checkable=True)
            a.setData(key)
            a.setChecked(key == self.prefs.grade_system)
            self.grade_group.addAction(a)
        self._action(view, "&Dim the wall more", lambda: self.set_dim(self.prefs.dim_level + 0.1), "Ctrl+Shift+D")
        self._action(view, "Dim the wall &less", lambda: self.set_dim(self.prefs.dim_level - 0.1), "Ctrl+Alt+D")
        self._action(view, "&Thicker outlines", lambda: self.set_outline(self.prefs.outline_width + 0.5), "Ctrl+Shift+T")
        self._action(view, "Thi&nner outlines", lambda: self.set_outline(self.prefs.outline_width - 0.5), "Ctrl+Alt+T")
        self.face_menu = view.addMenu("Wall &face")
        self.face_menu.aboutToShow.connect(self._fill_face_menu)

        climb = mb.addMenu("&Climb")
        self._action(climb, "&Next climb", self.next_climb, "N")
        self._action(climb, "&Previous climb", self.previous_climb, "P")
        self._action(climb, "Next climb (alternative)", self.next_climb, "Alt+Down")
        self._action(climb, "Previous climb (alternative)", self.previous_climb, "Alt+Up")
        self._action(climb, "&Hide the climb", self.clear_climb, "Esc")
        climb.addSeparator()
        self._action(climb, "Find climb by &name", self.filters.text.setFocus, QKeySequence.StandardKey.Find)
        self._action(climb, "&Reset filters", self.filters.reset, "Ctrl+R")
        self._action(climb, "&Clear hold search", self.scene.clear_search, "Ctrl+Shift+R")

        syncm = mb.addMenu("&Sync")
        self.act_sync = self._action(syncm, "&Sync panel…", lambda: self.open_sync_panel(), "Ctrl+Shift+S",
                                     tip="Preview and run a sync with the mastoc server or Stokt")
        syncm.addSeparator()
        self._action(syncm, "Sync with &Railway…", lambda: self.open_sync_panel("railway-sync", "railway"))
        self._action(syncm, "&Import from Stokt…", self.import_from_stokt)
        self._action(syncm, "&Push to Stokt…", lambda: self.open_sync_panel("stokt-push"))

        helpm = mb.addMenu("&Help")
        self._action(helpm, "&About mastoc", self.about)

        tb = self.addToolBar("Main")
        tb.setObjectName("main-toolbar")
        tb.setMovable(False)
        tb.addAction(self.act_browse)
        tb.addAction(self.act_search)
        tb.addAction(self.act_heat)
        tb.addSeparator()
        tb.addAction(QAction("◀ Prev", self, triggered=self.previous_climb))
        tb.addAction(QAction("Next ▶", self, triggered=self.next_climb))
        tb.addSeparator()
        tb.addAction(QAction("Fit", self, triggered=self.view.fit))
        tb.addSeparator()
        self.act_sync_tb = QAction("⇅ Sync", self, triggered=lambda: self.open_sync_panel())
        self.act_sync_tb.setToolTip("Sync panel (Ctrl+Shift+S)")
        tb.addAction(self.act_sync_tb)

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
            self.statusBar().showMessage("The store has no wall yet: load a Stokt backup (File menu).")
            self._maybe_ready(force=True)
            return
        wanted = self.prefs.last_face
        face = next((f for f in faces if wanted in (f.id, f.stokt_id)), None)
        if face is None:
            face = next((f for f in faces if f.stokt_id != self._demo_id), faces[0])
        self.open_face(face.id)

    def open_face(self, face_id: str) -> None:
        self.statusBar().showMessage("Loading the wall…")
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
        self.setWindowTitle(f"mastoc — {title}")
        self.statusBar().showMessage(f"{title}: {len(fd.holds)} holds", 5000)
        self.tasks.submit(data.setters, self.directory, fd.face.id, key="setters", on_done=self.filters.set_setters)
        self.refresh_query()
        if self._pending_climb:
            self.select_climb(self._pending_climb)
        self.faceLoaded.emit(fd.face.id)

    def _photo_loaded(self, face_id: str, levels: list) -> None:
        if self.face is not None and self.face.id == face_id:
            self.scene.set_photo_levels(levels)

    def _fill_face_menu(self) -> None:
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
                          **self.filters.query_kwargs())

    def refresh_query(self) -> None:
        if self.face is None:
            return
        self.prefs.filters = self.filters.filters()
        q = self.current_query()
        self.count_label.setText("Counting…")
        self._advance_to = None
        self.model.set_query(q)
        self.tasks.submit(data.grade_histogram, self.directory, q, self.prefs.grade_system, key="histogram",
                          on_done=self.chart.set_bins)
        if self.scene.mode is Mode.HEATMAP and self.heat_panel.restrict.isChecked():
            self.refresh_heat()

    def _on_counts(self, matching: int, total: int) -> None:
        self.count_label.setText(f"<b>{matching:,}</b> of {total:,} climbs")
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
        self._maybe_ready()

    def _maybe_ready(self, force: bool = False) -> None:
        if self._ready_sent:
            return
        if force or (self.face is not None and not self.model.is_loading() and self._pending_climb is None):
            self._ready_sent = True
            QTimer.singleShot(0, self.ready.emit)

    # --- climbs ----------------------------------------------------------------------------

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        if self.current is None or row.id != self.current.id:
            self.show_climb_row(row)

    def _select_row(self, row: int) -> None:
        sm = self.table.selectionModel()
        idx = self.model.index(row, 0)
        sm.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)

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
            return
        climb = self.store.climb(self.current.id)  # one primary-key row
        i = self.model.row_of(self.current.id)
        pos = "" if i is None or self.model.matching is None else f"{i + 1} of {self.model.matching:,} in the list"
        self.details.show_climb(climb, self.prefs.grade_system, pos)

    def clear_climb(self) -> None:
        self.current = None
        self.prefs.selected_climb = ""
        self.scene.set_climb(None)
        self.table.clearSelection()
        self.details.show_climb(None, self.prefs.grade_system)

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

    def _on_search_changed(self) -> None:
        self.chips.set_search(self.scene.search)
        self.refresh_query()

    # --- modes, heatmaps -------------------------------------------------------------------

    def set_mode(self, mode: Mode) -> None:
        self.scene.set_mode(mode)
        {Mode.BROWSE: self.act_browse, Mode.HOLD_SEARCH: self.act_search, Mode.HEATMAP: self.act_heat}[mode].setChecked(True)
        self.chips.setVisible(mode is Mode.HOLD_SEARCH)
        self.chips.set_search(self.scene.search)
        if mode is Mode.HEATMAP:
            self.tabs.setCurrentIndex(TAB_HEAT)
            self.refresh_heat()
        elif mode is Mode.BROWSE:
            self.scene.set_selected_hold(None)
        if mode is not Mode.HEATMAP and self.scene.search:
            self.refresh_query()
        self.statusBar().showMessage({
            Mode.BROWSE: "Browse: pick a climb in the list; click a hold to see the climbs that use it.",
            Mode.HOLD_SEARCH: "Search by holds: each click cycles any → start → top → feet → not → off.",
            Mode.HEATMAP: "Heatmap: holds coloured by the chosen measure.",
        }[mode])

    def refresh_heat(self) -> None:
        if self.face is None:
            return
        q = self.current_query() if self.heat_panel.restrict.isChecked() else None
        self.tasks.submit(data.hold_stats, self.directory, self.face.id, q, key="heat", on_done=self._heat_loaded)

    def _heat_loaded(self, stats: dict[int, HoldStat]) -> None:
        kind = self.heat_panel.current_kind()
        self.heat_stats = stats
        system = self.prefs.grade_system
        if kind in ("usage", "rarity"):
            raw = {n: float(s.count) for n, s in stats.items() if s.count > 0}
        elif kind == "easiest":
            raw = {n: s.min_ircra for n, s in stats.items() if s.min_ircra is not None and s.min_ircra > 0}
        else:
            raw = {n: s.max_ircra for n, s in stats.items() if s.max_ircra is not None and s.max_ircra > 0}
        self.heat_raw = raw  # type: ignore[assignment]
        if kind in ("usage", "rarity"):  # counts are skewed: a square-root scale shows the spread
            scaled = styles.normalise({n: v**0.5 for n, v in raw.items()}, invert=(kind == "rarity"))
        else:
            scaled = styles.normalise(raw)
        r = self.scene.sceneRect()
        self.tasks.submit(overlay.render_heat, list(self.scene.holds), scaled, (r.width(), r.height()),
                          self.prefs.outline_width, key="heat-render",
                          on_done=lambda img: self.scene.set_heat(scaled, img))
        if raw:
            lo, hi = min(raw.values()), max(raw.values())
            if kind in ("usage", "rarity"):
                texts = (f"{int(lo)} climb{'s' if lo != 1 else ''}", f"{int(hi)} climbs")
                if kind == "rarity":
                    texts = (texts[1] + " (common)", texts[0] + " (rare)")
            else:
                texts = (grades.label(system, lo), grades.label(system, hi))
            self.heat_panel.legend.set_range(*texts)
        else:
            self.heat_panel.legend.set_range("", "")
        unused = sum(1 for h in self.scene.holds if h.num not in raw)
        scale = " (square-root colour scale)" if kind in ("usage", "rarity") else ""
        self.heat_panel.note.setText(f"{HEAT_KINDS[kind]}{scale}: {len(raw)} holds coloured, {unused} unused (grey).")

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
        self.statusBar().showMessage(f"Dimming {round(self.prefs.dim_level * 100)} %", 2000)

    def set_outline(self, width: float) -> None:
        self.prefs.outline_width = max(1.0, min(6.0, width))
        self.scene.set_display(outline_width=self.prefs.outline_width)

    # --- import / connect ------------------------------------------------------------------

    def choose_backup_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Load a Stokt backup", str(Path.home()),
                                                "Stokt backup (*.json *.jpg *.jpeg *.png);;All files (*)")
        if files:
            self.load_backup(files)

    def choose_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Load a Stokt backup folder", str(Path.home()))
        if folder:
            self.load_backup([folder])

    def load_backup(self, paths: list[str], on_done: Callable[[object], None] | None = None) -> None:
        self.statusBar().showMessage("Loading the backup…")

        def done(report) -> None:
            msg = (f"Backup loaded: {report.changed} rows new or changed"
                   + (f"; {len(report.problems)} problem(s): {report.problems[0]}" if report.problems else ""))
            self.statusBar().showMessage(msg, 15000)
            faces = [f for f in self.store.faces() if f.stokt_id != self._demo_id]
            if faces:
                self._pending_climb = None
                self.open_face(faces[0].id)
            if on_done is not None:
                on_done(report)

        self.tasks.submit(_load_backup, self.directory, paths, key="backup", on_done=done,
                          on_error=lambda e: self.show_error(f"Could not load the backup: {e}"))

    def _inform(self, title: str, text: str) -> None:
        """A non-blocking message box (no nested event loop)."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_message = box
        box.open()

    def import_from_stokt(self) -> None:
        self.open_sync_panel("stokt-import", "stokt")

    def connect_server(self) -> None:
        self.open_sync_panel("railway-sync", "railway")

    def open_sync_panel(self, op: str | None = None, backend: str | None = None) -> None:
        """Show the Sync panel (created once), on an operation and backend when given."""
        if getattr(self, "sync_panel", None) is None:
            from mastoc.ui.sync_panel import SyncPanel

            self.sync_panel = SyncPanel(self.directory, parent=self)
            self.sync_panel.synced.connect(self.after_sync)
        self.sync_panel.show_for(op, backend)

    def after_sync(self, report: object = None) -> None:
        """After a sync: reload the climb list (and the wall itself when faces, holds or photos changed)."""
        faces = [f for f in self.store.faces() if f.stokt_id != self._demo_id]
        if self.face is not None and (self.face.stokt_id != self._demo_id or not faces):
            if _wall_changed(report):
                self.open_face(self.face.id)
            else:  # climbs only: no need to rebuild 776 hold outlines and the photo
                self.tasks.submit(data.setters, self.directory, self.face.id, key="setters",
                                  on_done=self.filters.set_setters)
                self.refresh_query()
                self._show_details()
        elif faces:
            self._pending_climb = None
            self.open_face(faces[0].id)

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
        self.save_preferences()
        if getattr(self, "sync_panel", None) is not None:
            self.sync_panel.cancel()  # a running sync stops after its current batch (consistent store)
        super().closeEvent(event)


def _wall_changed(report: object) -> bool:
    """Whether a sync report may have changed a face, its holds or its photo (True when unsure)."""
    counts = getattr(report, "counts", None)
    if not isinstance(counts, dict):
        return True
    return any(n for entity in ("gym", "wall", "face", "hold", "image", "photo")
               for cat, n in (counts.get(entity) or {}).items() if cat not in _NOT_LOCAL)


# categories of a sync report that leave the local rows as they are (sent to the backend, or nothing)
_NOT_LOCAL = frozenset({"unchanged", "create", "created", "update", "delete_remote", "deleted_remote", "upload",
                        "uploaded", "to_push", "pushed", "reconciled", "skipped", "failed"})


def _hold_climbs(directory: Path, q: ClimbQuery) -> tuple[data.Counts, list[ClimbRow]]:
    return data.counts(directory, q), data.page(directory, replace(q, limit=200))


def _load_backup(directory: Path, paths: list[str]):
    from mastoc.sync.backup import load_backup

    with Store.open(directory) as st:  # a writer connection of its own, on the worker thread
        return load_backup(st, paths)
