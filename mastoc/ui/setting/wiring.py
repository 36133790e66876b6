"""How Set mode plugs into the main window: the mode and its toolbar action, Undo/Redo in the Edit menu,
the Climb menu's Edit / Duplicate and edit / Delete, the Climb tab's buttons and Stokt state, Push to
Stokt for one climb, the refresh from `Changes`, the draft offered at start and the question on close.

A mixin of `MainWindow` (it uses the window's store, scene, side panel, menus and climb display).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QUndoGroup

from mastoc.edits import climbs as ops
from mastoc.edits.changes import Changes
from mastoc.ui import menus
from mastoc.ui.setting import draft_file
from mastoc.ui.setting.controller import Btn, SetController
from mastoc.ui.setting.draft import Draft
from mastoc.ui.setting.mode import SetMode
from mastoc.ui.wall.modes import Mode

SET_HINT = ("Set: click holds (hand → start → top → feet only → off), Shift/Ctrl-click removes, drag paints "
            "the brush. Ctrl+Z undoes.")


class SetWiring:
    """Set mode in the window, for `MainWindow`."""

    def install_set_mode(self) -> None:
        self.setter = SetController(self.store, self.tasks, self.scene, self, lambda: self.prefs.grade_system,
                                    lambda name, force: self.set_mode(name, force))
        self.scene.add_mode(SetMode(self.scene, self.setter))
        self.act_set = menus.add_mode_action(self, Mode.SET, self.tr("&Set a climb"), "Ctrl+4",
                                             self.tr("Set a new climb by clicking holds on the wall"))
        # one Undo/Redo pair for every undo stack of the window (Draw holds adds its own to the group)
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.setter.stack)
        self.undo_group.setActiveStack(self.setter.stack)
        undo = self.undo_group.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        self.act_undo, self.act_redo = undo, redo
        self.edit_menu.insertAction(self.edit_menu_end, undo)
        self.edit_menu.insertAction(self.edit_menu_end, redo)
        cm, end = self.climb_menu, self.climb_menu_end
        for text, slot, key in ((self.tr("&Edit this climb"), self.edit_current_climb, "Ctrl+E"),
                                (self.tr("&Duplicate and edit"), lambda: self.edit_current_climb(True), "Ctrl+D"),
                                (self.tr("De&lete this climb…"), self.delete_current_climb, None)):
            cm.insertAction(end, menus.action(self, None, text, slot, key))
        ca = self.side.climb_actions
        ca.editRequested.connect(self.edit_current_climb)
        ca.duplicateRequested.connect(lambda: self.edit_current_climb(True))
        ca.deleteRequested.connect(self.delete_current_climb)
        ca.pushRequested.connect(self.push_current_climb)
        self.setter.changesApplied.connect(self.apply_changes)
        self.setter.message.connect(self.show_error)
        self.scene.modeChanged.connect(
            lambda name: self.side.show_mode_panel(self.setter.panel if name == Mode.SET else None))
        self._draft_offered = False

    # --- climbs -------------------------------------------------------------------------------
    def edit_current_climb(self, duplicate: bool = False) -> None:
        climb = self.store.climb(self.current.id) if self.current is not None else None
        if climb is None or self.face is None:
            self.show_error(self.tr("Pick a climb in the list first."))
            return

        def go() -> None:
            self.setter.set_face(self.face)
            self.setter.begin_edit(climb, duplicate)
            self.set_mode(Mode.SET, True)
            reason = None if duplicate else self.setter.read_only
            if reason:
                self.show_error(reason)

        self.setter.ask_unsaved(go)

    def delete_current_climb(self) -> None:
        if self.current is not None:
            self.setter.ask_delete(self.current.id)

    def push_current_climb(self) -> None:
        """The Sync panel's push preview with only the shown climb ticked."""
        if self.current is None:
            return
        climb_id = self.current.id
        self.open_sync_panel("stokt-push", "stokt")
        panel = self.sync_panel

        def preview_once(_st: object = None) -> None:
            panel.statusLoaded.disconnect(preview_once)
            if panel.current_op() == "stokt-push":
                panel.start_preview()

        def tick_only(_pv: object) -> None:
            panel.previewReady.disconnect(tick_only)
            for key in panel.preview_view.selectable_keys():
                panel.preview_view.set_checked(key, key == climb_id)

        panel.statusLoaded.connect(preview_once)
        panel.previewReady.connect(tick_only)

    def show_climb_state(self, climb) -> None:
        if climb is None:
            self.side.climb_actions.show_for(None, "", None)
        else:
            self.side.climb_actions.show_for(climb.id, ops.push_state(self.store, climb),
                                             ops.holds_read_only_reason(self.store, climb))

    def apply_changes(self, changes: Changes, select_id: str | None) -> None:
        """Refresh what `changes` names: the list and counts, the shown climb, the heatmaps."""
        if self.face is None:
            return
        if self.current is not None and self.current.id in changes.deleted_climbs:
            self.clear_climb()
        if changes.climbs or changes.deleted_climbs:
            self.scene.modes[Mode.SET].heat_image = None  # usage changed
            self.refresh_query()
            if self.scene.mode == Mode.HEATMAP:
                self.refresh_heat()
        if select_id and self.store.climb(select_id) is not None:
            self.select_climb(select_id)
        else:
            self._show_details()

    # --- the draft at start, the question on close ---------------------------------------------
    def offer_draft(self) -> None:
        if self._draft_offered:
            return
        self._draft_offered = True
        try:
            d = draft_file.load(self.directory)
        except draft_file.DraftFileError as exc:
            self.show_error(str(exc))
            self._inform(self.tr("Draft"), str(exc))
            return
        if d is None:
            return
        self.setter.keep_file = True
        n = len(d.roles)
        text = self.tr("A climb you were setting was not saved (%1, %2 holds). Restore it?").replace(
            "%1", d.details.name or self.tr("no name")).replace("%2", str(n))

        def answered(b) -> None:
            self.setter.keep_file = False
            if b == Btn.Yes:
                self.restore_draft(d)
            elif not self.setter.dirty:
                self.setter.writer.clear()

        self.setter._question(self.tr("Restore the draft"), text, Btn.Yes | Btn.Discard, answered)

    def restore_draft(self, d: Draft) -> None:
        if self.face is None or d.face_id != self.face.id:
            if self.store.face(d.face_id) is None:
                self.show_error(self.tr("The draft's wall is not in this store any more."))
                return
            self.faceLoaded.connect(self._restore_after_face)
            self._draft_pending = d
            self.open_face(d.face_id)
            return
        self.setter.set_face(self.face)
        self.setter.restore(d)
        self.set_mode(Mode.SET, True)

    def _restore_after_face(self, _face_id: str) -> None:
        self.faceLoaded.disconnect(self._restore_after_face)
        self.restore_draft(self._draft_pending)

    def may_close(self) -> bool:
        """False (and a question) while the climb being set has unsaved changes."""
        if not self.setter.dirty:
            self.setter.writer.flush(2.0)  # the last write (or removal) of the draft lands before exit
            return True
        self.setter.ask_unsaved(self.close)
        return False
