"""The main window's menus and toolbar: actions created and connected to the window's slots.

Only wiring: every action calls a window method. The mode actions are exclusive (`window.mode_group`)
and kept in `window.mode_actions` by mode name, so a mode added later is one `add_mode_action` call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from mastoc.ui.wall.modes import Mode

if TYPE_CHECKING:
    from mastoc.ui.main_window import MainWindow

GRADE_SYSTEM_NAMES = {"font": "Font (6A+)", "hueco": "Hueco (V4)", "dankyu": "Dankyu (2Q)", "ircra": "IRCRA (18.5)"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Menus", text)


def action(window: MainWindow, menu: QMenu | None, text: str, slot: Callable,
           shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
           checkable: bool = False, tip: str = "") -> QAction:
    a = QAction(text, window)
    if shortcut:
        a.setShortcut(QKeySequence(shortcut))
    a.setCheckable(checkable)
    if tip:
        a.setStatusTip(tip)
    a.triggered.connect(slot)
    if menu is not None:
        menu.addAction(a)
    return a


def add_mode_action(window: MainWindow, name: str, text: str, shortcut: str, tip: str = "") -> QAction:
    """A checkable View-menu and toolbar action that switches the wall to mode `name`."""
    a = action(window, None, text, lambda: window.set_mode(name), shortcut, True, tip)
    window.view_menu.insertAction(getattr(window, "view_modes_end", None), a)
    window.mode_group.addAction(a)
    window.mode_actions[name] = a
    window.toolbar.insertAction(window.toolbar_modes_end, a)
    return a


def build(w: MainWindow) -> None:
    mb = w.menuBar()
    file = mb.addMenu(_tr("&File"))
    w.act_load = action(w, file, _tr("&Load a Stokt backup…"), w.choose_backup_files, QKeySequence.StandardKey.Open,
                        tip=_tr("Load saved Stokt responses (JSON files and the wall photo)"))
    action(w, file, _tr("Load a Stokt backup &folder…"), w.choose_backup_folder, "Ctrl+Shift+O")
    file.addSeparator()
    action(w, file, _tr("Import from &Stokt…"), w.import_from_stokt)
    action(w, file, _tr("Connect to a &mastoc server…"), w.connect_server)
    file.addSeparator()
    action(w, file, _tr("&Quit"), w.close, QKeySequence.StandardKey.Quit)

    w.edit_menu = edit = mb.addMenu(_tr("&Edit"))
    w.edit_menu_end = edit.addSeparator()  # undo/redo and edit actions go above this
    action(w, edit, _tr("&Preferences…"), w.open_preferences, QKeySequence.StandardKey.Preferences)
    if QKeySequence(QKeySequence.StandardKey.Preferences).isEmpty():
        edit.actions()[-1].setShortcut(QKeySequence("Ctrl+,"))

    tb = w.toolbar = QToolBar(_tr("Main"), w)
    tb.setObjectName("main-toolbar")
    tb.setMovable(False)
    w.addToolBar(tb)
    w.toolbar_modes_end = tb.addSeparator()
    w.view_menu = view = mb.addMenu(_tr("&View"))
    w.mode_group = QActionGroup(w)
    w.mode_actions = {}
    w.act_browse = add_mode_action(w, Mode.BROWSE, _tr("&Browse"), "Ctrl+1")
    w.act_search = add_mode_action(w, Mode.HOLD_SEARCH, _tr("Search by &holds"), "Ctrl+2")
    w.act_heat = add_mode_action(w, Mode.HEATMAP, _tr("&Heatmap"), "Ctrl+3")
    w.act_browse.setChecked(True)
    w.view_modes_end = view.addSeparator()
    action(w, view, _tr("Zoom &in"), w.view.zoom_in, QKeySequence.StandardKey.ZoomIn)
    action(w, view, _tr("Zoom &out"), w.view.zoom_out, QKeySequence.StandardKey.ZoomOut)
    action(w, view, _tr("&Fit wall to window"), w.view.fit, "Ctrl+0")
    view.addSeparator()
    gs = view.addMenu(_tr("&Grade system"))
    w.grade_group = QActionGroup(w)
    for key, text in GRADE_SYSTEM_NAMES.items():
        a = action(w, gs, text, lambda _=False, k=key: w.set_grade_system(k), checkable=True)
        a.setData(key)
        a.setChecked(key == w.prefs.grade_system)
        w.grade_group.addAction(a)
    action(w, view, _tr("&Dim the wall more"), lambda: w.set_dim(w.prefs.dim_level + 0.1), "Ctrl+Shift+D")
    action(w, view, _tr("Dim the wall &less"), lambda: w.set_dim(w.prefs.dim_level - 0.1), "Ctrl+Alt+D")
    action(w, view, _tr("&Thicker outlines"), lambda: w.set_outline(w.prefs.outline_width + 0.5), "Ctrl+Shift+T")
    action(w, view, _tr("Thi&nner outlines"), lambda: w.set_outline(w.prefs.outline_width - 0.5), "Ctrl+Alt+T")
    w.face_menu = view.addMenu(_tr("Wall &face"))
    w.face_menu.aboutToShow.connect(w.fill_face_menu)

    w.climb_menu = climb = mb.addMenu(_tr("&Climb"))
    action(w, climb, _tr("&Next climb"), w.next_climb, "N")
    action(w, climb, _tr("&Previous climb"), w.previous_climb, "P")
    action(w, climb, _tr("Next climb (alternative)"), w.next_climb, "Alt+Down")
    action(w, climb, _tr("Previous climb (alternative)"), w.previous_climb, "Alt+Up")
    action(w, climb, _tr("&Hide the climb"), w.clear_climb, "Esc")
    climb.addSeparator()
    action(w, climb, _tr("Find climb by &name"), w.filters.text.setFocus, QKeySequence.StandardKey.Find)
    action(w, climb, _tr("&Reset filters"), w.filters.reset, "Ctrl+R")
    action(w, climb, _tr("&Clear hold search"), w.scene.clear_search, "Ctrl+Shift+R")
    w.climb_menu_end = climb.addSeparator()

    syncm = mb.addMenu(_tr("&Sync"))
    w.act_sync = action(w, syncm, _tr("&Sync panel…"), lambda: w.open_sync_panel(), "Ctrl+Shift+S",
                        tip=_tr("Preview and run a sync with the mastoc server or Stokt"))
    syncm.addSeparator()
    action(w, syncm, _tr("Sync with &Railway…"), lambda: w.open_sync_panel("railway-sync", "railway"))
    action(w, syncm, _tr("&Import from Stokt…"), w.import_from_stokt)
    action(w, syncm, _tr("&Push to Stokt…"), lambda: w.open_sync_panel("stokt-push"))

    helpm = mb.addMenu(_tr("&Help"))
    action(w, helpm, _tr("&About mastoc"), w.about)

    tb.addAction(action(w, None, _tr("◀ Prev"), w.previous_climb))
    tb.addAction(action(w, None, _tr("Next ▶"), w.next_climb))
    tb.addSeparator()
    tb.addAction(action(w, None, _tr("Fit"), w.view.fit))
    tb.addSeparator()
    w.act_sync_tb = action(w, None, _tr("⇅ Sync"), lambda: w.open_sync_panel())
    w.act_sync_tb.setToolTip(_tr("Sync panel (Ctrl+Shift+S)"))
    tb.addAction(w.act_sync_tb)
