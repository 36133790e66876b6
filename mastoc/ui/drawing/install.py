"""Wiring of personal walls into the main window: File → New wall from a photo / Export wall / Import
wall, the Draw-holds mode (View menu, Ctrl+5) with its tool bar (tools, click-to-outline, Detect all
and the review buttons), and the undo stack the edits go on (added to the window's undo group, so Edit → Undo/Redo undo hold
edits while Draw holds is the current mode).

Only wiring: the work is `edits.walls`, `edits.wall_files` and `mastoc.vision`, run on the window's
worker threads when slow (a new wall's photo, Detect all, files).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QToolBar

from mastoc.edits.changes import Changes
from mastoc.ui import menus
from mastoc.ui.drawing.commands import DrawContext
from mastoc.ui.drawing.mode import MODE_NAME, DrawHoldsMode, Tool
from mastoc.ui.drawing.new_wall_dialog import NewWallDialog, NewWallValues
from mastoc.ui.wall.model import wall_holds

if TYPE_CHECKING:
    from mastoc.ui.main_window import MainWindow

HINT = ("Draw holds: polygon (click points, Enter or the first point closes), rectangle, ellipse; "
        "select to move or edit vertices; Delete removes; middle button pans.")


def _tr(text: str) -> str:
    return QCoreApplication.translate("DrawHolds", text)


class WallDrawing:
    """The personal-wall part of a main window (kept as `window.drawing`)."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.stack = QUndoStack(window)
        self.group = getattr(window, "undo_group", None)
        if self.group is not None:  # the window's Edit → Undo/Redo follow the active stack
            self.group.addStack(self.stack)
        else:
            self._add_undo_actions()
        self._photo_key: str | None = None
        self._photo = None
        self.mode = DrawHoldsMode(window.scene, self.context, self.confirm)
        window.scene.add_mode(self.mode)
        layer = self.mode.proposals
        layer.photo = self.photo_rgb
        layer.on_message = window.show_error
        layer.on_changed = self._review_changed
        layer.on_accepted_for_edit = self._edit_accepted
        self.action = menus.add_mode_action(window, MODE_NAME, _tr("&Draw holds"), "Ctrl+5",
                                            _tr("Outline the holds of a personal wall"))
        self._file_menu()
        self._toolbar()
        window.scene.modeChanged.connect(self._mode_changed)

    # --- setup ----------------------------------------------------------------------------
    def _add_undo_actions(self) -> None:
        w = self.w
        undo = self.stack.createUndoAction(w, _tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.stack.createRedoAction(w, _tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        w.edit_menu.insertAction(w.edit_menu_end, undo)
        w.edit_menu.insertAction(w.edit_menu_end, redo)

    def _file_menu(self) -> None:
        w = self.w
        file = w.menuBar().actions()[0].menu()
        anchor = file.actions()[-2]  # the separator above Quit
        for text, slot, key in ((_tr("&New wall from a photo…"), self.new_wall, "Ctrl+Shift+N"),
                                (_tr("&Export this wall…"), self.export_wall, None),
                                (_tr("&Import a wall file…"), self.import_wall, None)):
            a = menus.action(w, None, text, slot, key)
            file.insertAction(anchor, a)
        file.insertSeparator(anchor)

    def _toolbar(self) -> None:
        w = self.w
        tb = self.toolbar = QToolBar(_tr("Draw holds"), w)
        tb.setObjectName("draw-toolbar")
        w.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)  # a row of its own under the main tool bar
        w.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        group = QActionGroup(w)
        self.tool_actions: dict[Tool, QAction] = {}
        for tool, text in ((Tool.SELECT, _tr("Select")), (Tool.POLYGON, _tr("Polygon")),
                           (Tool.RECTANGLE, _tr("Rectangle")), (Tool.ELLIPSE, _tr("Ellipse")),
                           (Tool.OUTLINE, _tr("Click to outline"))):
            a = menus.action(w, None, text, lambda _=False, t=tool: self.set_tool(t), checkable=True)
            group.addAction(a)
            tb.addAction(a)
            self.tool_actions[tool] = a
        self.tool_actions[Tool.SELECT].setChecked(True)
        tb.addSeparator()
        self.act_detect = tb.addAction(_tr("Detect all"), self.detect_all)
        tb.addSeparator()
        self.review_label = QLabel()
        tb.addWidget(self.review_label)
        layer = self.mode.proposals
        self.act_accept = tb.addAction(_tr("Accept"), layer.accept_selected)
        self.act_adjust = tb.addAction(_tr("Adjust"), layer.adjust_selected)
        self.act_reject = tb.addAction(_tr("Reject"), layer.reject_selected)
        self.act_accept_all = tb.addAction(_tr("Accept all"), layer.accept_all)
        self.act_reject_all = tb.addAction(_tr("Reject all"), layer.clear)
        tb.setVisible(False)
        self._review_changed()

    # --- context for the commands ---------------------------------------------------------
    def context(self) -> DrawContext | None:
        face = self.w.face
        if face is None or face.stokt_id is not None or face.source.value != "mastoc":
            self.w.show_error(_tr("Draw holds edits personal walls: File → New wall from a photo"))
            return None
        return DrawContext(self.w.store, face.id, self.stack, self.apply_changes, self.w.show_error)

    def apply_changes(self, changes: Changes) -> None:
        face = self.w.face
        if face is None:
            return
        if changes.holds or changes.deleted_holds or changes.faces:
            self.w.scene.replace_holds(wall_holds(self.w.store.holds(face.id)))
            self.mode.holds_replaced()
        if changes.messages:
            self.w.statusBar().showMessage("; ".join(changes.messages), 10000)
        if changes.climbs:
            self.w.refresh_query()

    def confirm(self, text: str, go) -> None:  # noqa: ANN001
        box = QMessageBox(QMessageBox.Icon.Question, _tr("Change a hold used by climbs"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.w)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(go)
        self.last_question = box
        box.open()

    def photo_rgb(self):  # noqa: ANN201 - a numpy array, loaded once per photo
        face = self.w.face
        if face is None or not face.picture_sha256:
            return None
        if self._photo_key != face.picture_sha256:
            from mastoc.vision.segment import load_rgb

            path = self.w.store.image_path(face.picture_sha256)
            self._photo = load_rgb(path) if path is not None else None
            self._photo_key = face.picture_sha256
        return self._photo

    # --- mode and tools -------------------------------------------------------------------
    def _mode_changed(self, name: str) -> None:
        on = name == MODE_NAME
        self.toolbar.setVisible(on)
        if self.group is not None:  # Ctrl+Z undoes hold edits here, the Set mode's edits elsewhere
            setter = getattr(self.w, "setter", None)
            self.group.setActiveStack(self.stack if on else getattr(setter, "stack", None))
        if on:
            self.w.statusBar().showMessage(_tr(HINT))

    def set_tool(self, tool: Tool) -> None:
        self.mode.set_tool(tool)
        self.tool_actions[Tool(tool)].setChecked(True)

    def _review_changed(self) -> None:
        layer = self.mode.proposals
        n = layer.count()
        self.review_label.setText(_tr("{n} proposal(s)").format(n=n) if n else "")
        for a in (self.act_accept, self.act_adjust, self.act_reject):
            a.setEnabled(layer.selected is not None)
        for a in (self.act_accept_all, self.act_reject_all):
            a.setEnabled(n > 0)

    def _edit_accepted(self) -> None:
        """After "Adjust": the new hold (the last added) is selected for vertex edits."""
        command = self.stack.command(self.stack.index() - 1)
        ids = getattr(command, "ids", None)
        if ids:
            self.set_tool(Tool.SELECT)
            self.w.scene.set_selected_hold(ids[-1][1])
            self.w.scene.refresh()
            self.mode.holds_replaced()

    def detect_all(self) -> None:
        face = self.w.face
        path = self.w.store.image_path(face.picture_sha256) if face is not None and face.picture_sha256 else None
        if path is None:
            self.w.show_error(_tr("This wall has no photo to detect holds on"))
            return
        self.w.statusBar().showMessage(_tr("Detecting holds…"))
        self.w.tasks.submit(_detect, path, key="detect-holds", on_done=self._detected,
                            on_error=lambda e: self.w.show_error(_tr("Detection failed: {e}").format(e=e)))

    def _detected(self, proposals: list) -> None:
        self.mode.proposals.set(proposals)
        self.w.statusBar().showMessage(_tr("{n} hold outlines proposed: review them").format(n=len(proposals)), 10000)

    # --- walls and files ------------------------------------------------------------------
    def new_wall(self, photo: str = "") -> NewWallDialog:
        dlg = NewWallDialog(self.w, photo)
        dlg.accepted.connect(lambda: self.create_wall(dlg.values()))
        self.dialog = dlg
        dlg.open()
        return dlg

    def create_wall(self, values: NewWallValues) -> None:
        self.w.statusBar().showMessage(_tr("Creating the wall…"))
        self.w.tasks.submit(_new_wall, self.w.directory, values, key="new-wall", on_done=self._wall_created,
                            on_error=self.w.show_error)

    def _wall_created(self, face_id: str) -> None:
        def opened(fid: str) -> None:
            if fid == face_id:
                self.w.faceLoaded.disconnect(opened)
                self.w.set_mode(MODE_NAME)

        self.w.faceLoaded.connect(opened)
        self.w.open_face(face_id)

    def export_wall(self) -> None:
        face = self.w.face
        if face is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.w, _tr("Export this wall"), str(Path.home() / f"{face.name}.mastoc"),
                                              _tr("mastoc wall (*.mastoc)"))
        if path:
            self.w.tasks.submit(_export, self.w.directory, face.id, path, key="export-wall", on_error=self.w.show_error,
                                on_done=lambda text: self.w.statusBar().showMessage(text, 10000))

    def import_wall(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, _tr("Import a wall file"), str(Path.home()),
                                              _tr("mastoc wall (*.mastoc)"))
        if path:
            self.w.tasks.submit(_import, self.w.directory, path, key="import-wall", on_error=self.w.show_error,
                                on_done=self._imported)

    def _imported(self, result: tuple[str, str]) -> None:
        face_id, summary = result
        self.w.statusBar().showMessage(summary, 15000)
        self.w.open_face(face_id)


def install(window: MainWindow) -> WallDrawing:
    window.drawing = WallDrawing(window)
    return window.drawing


# --- worker-thread jobs (own store per thread) -------------------------------------------------

def _detect(path: Path) -> list[tuple[list[tuple[float, float]], float]]:
    from mastoc.vision import detect
    from mastoc.vision.segment import load_rgb

    return [(p.polygon, p.score) for p in detect.detect_all(load_rgb(path))]


def _new_wall(directory: Path, v: NewWallValues) -> str:
    from mastoc.edits import walls
    from mastoc.store.db import Store

    data = Path(v.photo).read_bytes()
    with Store.open(directory) as store:
        changes = walls.new_wall(store, data, name=v.face, gym_name=v.gym or None, wall_name=v.wall,
                                 feet_rules=v.feet_rules, symmetric=v.symmetric, photo_name=Path(v.photo).name)
    return next(iter(changes.faces))


def _export(directory: Path, face_id: str, path: str) -> str:
    from mastoc.edits import wall_files
    from mastoc.store.db import Store

    with Store.open(directory) as store:
        counts = wall_files.export_wall(store, face_id, path)
    return f"Wrote {path}: {counts['holds']} holds, {counts['climbs']} climbs"


def _import(directory: Path, path: str) -> tuple[str, str]:
    from mastoc.edits import wall_files
    from mastoc.store.db import Store

    with Store.open(directory) as store:
        _changes, report = wall_files.import_wall(store, path)
    return report.face_id, report.summary()
