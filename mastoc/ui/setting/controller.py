"""`SetController`: the climb being set — draft, undo stack, Set panel, Set mode and store operations.

Every gesture becomes an undo command (`commands`); every store change goes through
`mastoc.edits.climbs` and comes back as a `Changes` value, emitted as `changesApplied` for the window
to refresh its list and details (no reload of the wall). The draft is autosaved on every change
(`draft_file`). Questions (unsaved changes, delete) are non-blocking message boxes (`last_question`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from mastoc.domain import grades, holdslist
from mastoc.domain.models import Climb, Face
from mastoc.edits import climbs as ops
from mastoc.edits.changes import Changes, EditError
from mastoc.store.db import Store
from mastoc.ui import data
from mastoc.ui.panels.heatmap import HEAT_KINDS
from mastoc.ui.setting import draft_file
from mastoc.ui.setting.commands import DeleteCommand, DraftCommand, EditCommand, SaveNewCommand
from mastoc.ui.setting.draft import (
    BRUSHES,
    HAND,
    OFF,
    Details,
    Draft,
    Roles,
    next_roles,
    roles_label,
    roles_of,
    rule_messages,
)
from mastoc.ui.setting.panel import SetPanel
from mastoc.ui.tasks import TaskRunner
from mastoc.ui.wall import overlay
from mastoc.ui.wall.heat import heat_view
from mastoc.ui.wall.scene import WallScene

Btn = QMessageBox.StandardButton


class SetController(QObject):
    changesApplied = Signal(object, object)  # Changes, climb id to select (or None)
    message = Signal(str)

    def __init__(self, store: Store, tasks: TaskRunner, scene: WallScene, parent: QWidget,
                 grade_system: Callable[[], str], switch_mode: Callable[[str, bool], object]) -> None:
        super().__init__(parent)
        self.store, self.tasks, self.scene, self.parent_widget = store, tasks, scene, parent
        self.directory = Path(store.directory)
        self.grade_system, self.switch_mode = grade_system, switch_mode
        self.stack = QUndoStack(self)
        self.panel = SetPanel()
        self.face: Face | None = None
        self.draft = Draft(face_id="")
        self.saved = self.draft  # the draft as stored (or as begun): `dirty` compares with it
        self.writer = draft_file.DraftWriter(self.directory)
        self.read_only: str | None = None
        self.brush: Roles = HAND
        self.show_mirror = False
        self.compare: set[int] = set()
        self.duplicates: list[ops.Duplicate] = []
        self.last_question: QMessageBox | None = None
        self._drag: tuple[int, Roles] | None = None
        self.keep_file = False  # a draft from the last run is being offered: leave its file alone
        self._drags = 0
        p = self.panel
        p.brushChosen.connect(self._set_brush)
        p.detailEdited.connect(self.edit_detail)
        p.saveRequested.connect(self.save)
        p.newRequested.connect(lambda: self.ask_unsaved(self.begin_new))
        p.deleteRequested.connect(lambda: self.ask_delete(self.draft.climb_id))
        p.doneRequested.connect(lambda: self.switch_mode("browse", False))
        p.mirrorToggled.connect(self.set_mirror)
        p.heatToggled.connect(self.set_heat)
        p.duplicateClicked.connect(self.show_compare)

    # --- state ------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return bool(self.draft.face_id) and self.draft != self.saved

    def mirror_nums(self) -> set[int]:
        try:
            return holdslist.hold_ids(holdslist.parse(self.draft.mirror_holds))
        except holdslist.HoldsListError:
            return set()

    def compare_nums(self) -> set[int]:
        return self.compare

    def set_face(self, face: Face) -> None:
        self.face = face
        self.panel.set_choices(grades.labels(self.grade_system()), list(face.feet_rules_options))
        sym = face.has_symmetry
        self.panel.mirror_btn.setEnabled(sym)
        self.panel.mirror_btn.setToolTip(self.tr("Show the mirrored climb and save it as the climb's mirror list")
                                         if sym else self.tr("This face has no symmetry, so a climb on it has no mirror"))
        if not self.draft.face_id or (self.draft.face_id != face.id and not self.dirty):
            self.begin_new()

    # --- beginning a draft --------------------------------------------------------------------
    def begin_new(self) -> None:
        if self.face is None:
            return
        feet = ops.feet_rule_for(self.store, self.face, None)
        self._start(Draft(face_id=self.face.id, details=Details(grade_system=self.grade_system(), feet_rule=feet)),
                    None, saved=True)

    def begin_edit(self, climb: Climb, duplicate: bool = False) -> None:
        system = self.grade_system()
        grade = grades.label(system, climb.grade_ircra) if climb.grade_ircra else "?"
        name = f"{climb.name} (copy)"[: ops.NAME_MAX] if duplicate else climb.name
        d = Draft(face_id=climb.face_id, roles=roles_of(holdslist.parse(climb.holds_list or "")),
                  details=Details(name=name, grade=grade, grade_system=system, feet_rule=climb.feet_rule,
                                  description=climb.description or "", is_private=bool(climb.is_private)),
                  climb_id=None if duplicate else climb.id, mirror_holds=climb.mirror_holds_list or "")
        self._start(d, None if duplicate else ops.holds_read_only_reason(self.store, climb), saved=not duplicate)

    def restore(self, draft: Draft) -> None:
        climb = self.store.climb(draft.climb_id) if draft.climb_id else None
        self._start(replace(draft, climb_id=climb.id if climb else None),
                    ops.holds_read_only_reason(self.store, climb) if climb else None, saved=False)

    def _start(self, d: Draft, read_only: str | None, saved: bool) -> None:
        self.stack.clear()
        self.read_only, self.compare, self.show_mirror = read_only, set(), False
        self.panel.mirror_btn.setChecked(False)
        self.saved = d if saved else Draft(face_id=d.face_id)
        self.apply_draft(d)

    # --- gestures -----------------------------------------------------------------------------
    def _set_brush(self, roles: Roles) -> None:
        self.brush = roles

    def click_hold(self, num: int, remove: bool) -> None:
        if self._refuse_holds():
            return
        roles = OFF if remove else next_roles(self.draft.roles.get(num, OFF))
        self._push_roles({num: roles}, self.tr("hold %1: %2").replace("%1", str(num)).replace("%2", roles_label(roles)))

    def start_drag(self, num: int, remove: bool) -> bool:
        if self._refuse_holds():
            return False
        self._drags += 1
        self._drag = (self._drags, OFF if remove else self.brush)
        self._push_roles({num: self._drag[1]}, self.tr("paint 1 hold"), ("drag", self._drags))
        return True

    def drag_over(self, nums: Sequence[int]) -> None:
        if self._drag is not None:
            self._push_roles(dict.fromkeys(nums, self._drag[1]), self.tr("paint 1 hold"), ("drag", self._drag[0]))

    def end_drag(self) -> None:
        self._drag = None

    def _refuse_holds(self) -> bool:
        if self.read_only:
            self.report(self.read_only)
        return bool(self.read_only) or not self.draft.face_id

    def _push_roles(self, changes: dict[int, Roles], text: str, key: object = None) -> None:
        after = self.draft.with_roles(changes)
        if self.show_mirror:
            after = replace(after, mirror_holds=self._mirror_of(after))
        self.stack.push(DraftCommand(self, self.draft, after, text, key))

    def edit_detail(self, key: str, value: object) -> None:
        after = replace(self.draft, details=replace(self.draft.details, **{key: value}))
        label = {"name": "name", "grade": "grade", "feet_rule": "feet rule", "description": "description",
                 "is_private": "private"}[key]
        self.stack.push(DraftCommand(self, self.draft, after, self.tr("edit the %1").replace("%1", label), ("field", key)))

    def set_mirror(self, on: bool) -> None:
        self.show_mirror = on and bool(self.face and self.face.has_symmetry)
        mirror = self._mirror_of(self.draft) if self.show_mirror else self.draft.mirror_holds
        if mirror != self.draft.mirror_holds:
            self.stack.push(DraftCommand(self, self.draft, replace(self.draft, mirror_holds=mirror),
                                         self.tr("set the mirror")))
        self.scene.refresh()

    def _mirror_of(self, d: Draft) -> str:
        try:
            return ops.mirrored(self.store, d.face_id, d.refs()) if d.roles else ""
        except EditError as exc:
            self.report(str(exc))
            return d.mirror_holds

    def set_heat(self, on: bool) -> None:
        mode = self.scene.modes.get("set")
        if mode is None or self.face is None:
            return
        mode.show_heat = on  # type: ignore[attr-defined]
        if on and mode.heat_image is None:  # type: ignore[attr-defined]
            self.tasks.submit(data.hold_stats, self.directory, self.face.id, None, key="set-heat",
                              on_done=self._heat_stats)
        self.scene.refresh()

    def _heat_stats(self, stats) -> None:
        hv = heat_view(stats, "usage", self.grade_system(), (h.num for h in self.scene.holds), HEAT_KINDS)
        r = self.scene.sceneRect()
        self.tasks.submit(overlay.render_heat, list(self.scene.holds), hv.scaled, (r.width(), r.height()),
                          self.scene.outline_width, key="set-heat-render", on_done=self._heat_image)

    def _heat_image(self, image) -> None:
        mode = self.scene.modes["set"]
        mode.heat_image = image  # type: ignore[attr-defined]
        self.scene.refresh()

    def show_compare(self, climb_id: str) -> None:
        c = self.store.climb(climb_id)
        self.compare = set() if c is None else holdslist.hold_ids(holdslist.parse(c.holds_list or ""))
        self.scene.refresh()
        if c is not None:
            self.report(self.tr("Dashed: %1").replace("%1", c.name))

    # --- applying -----------------------------------------------------------------------------
    def apply_draft(self, d: Draft) -> None:
        holds_changed = d.roles != self.draft.roles
        self.draft = d
        if holds_changed:
            self.compare = set()
        self.panel.show_details(d.details)
        self._show_state()
        self.scene.refresh()
        if self.writer.error:
            self.report(self.tr("The draft could not be saved: %1").replace("%1", self.writer.error))
        if self.dirty:
            self.keep_file = False
            self.writer.save(d)
        elif not self.keep_file:
            self.writer.clear()
        if holds_changed or not self.duplicates:
            self._check_duplicates()

    def problems(self) -> tuple[list[str], str]:
        rules = [] if self.read_only else rule_messages(self.draft)
        try:
            ops.check_name(self.draft.details.name)
            name = ""
        except EditError as exc:
            name = str(exc)
        return rules, name

    def _show_state(self) -> None:
        d = self.draft
        rules, name = self.problems()
        counts = [(roles, sum(1 for r in d.roles.values() if r == roles)) for _, roles in BRUSHES if roles]
        climb = self.store.climb(d.climb_id) if d.climb_id else None
        title = (self.tr("<b>Editing</b> %1").replace("%1", climb.name) if climb else self.tr("<b>New climb</b>"))
        if self.dirty:
            title += " · " + self.tr("unsaved changes")
        self.panel.show_state(title, counts, rules, name, not rules and not name and (self.dirty or climb is None),
                              climb is not None, self.read_only)

    def _check_duplicates(self) -> None:
        d = self.draft
        if not d.roles or not d.face_id:
            self._show_duplicates([])
            return
        self.tasks.submit(_duplicates, self.directory, d.face_id, d.holds_list(), d.climb_id, key="set-dups",
                          on_done=self._show_duplicates)

    def _show_duplicates(self, dups: list[ops.Duplicate]) -> None:
        self.duplicates = dups
        self.panel.show_duplicates([(x.climb_id, ops.describe(x)) for x in dups])

    # --- store operations ---------------------------------------------------------------------
    def save(self) -> bool:
        d, det = self.draft, self.draft.details
        rules, name = self.problems()
        if rules or name:
            self.report("; ".join(rules + ([name] if name else [])))
            return False
        try:
            if d.climb_id is None:
                changes = ops.set_climb(self.store, ops.ClimbInput(
                    face_id=d.face_id, name=det.name, holds=d.refs(), grade=det.grade, grade_system=det.grade_system,
                    feet_rule=det.feet_rule, description=det.description, is_private=det.is_private,
                    mirror_holds=d.mirror_holds))
                cid = next(iter(changes.climbs))
                after = replace(d, climb_id=cid)
                cmd = SaveNewCommand(self, self.tr("save the climb “%1”").replace("%1", det.name), d, after,
                                     ops.climb_snapshot(self.store, cid))
            else:
                before = ops.climb_snapshot(self.store, d.climb_id)
                fields = dict(name=det.name, grade=det.grade, grade_system=det.grade_system, feet_rule=det.feet_rule,
                              description=det.description, is_private=det.is_private)
                if not self.read_only:
                    fields.update(holds=d.refs(), mirror_holds=d.mirror_holds)
                changes = ops.edit_climb(self.store, d.climb_id, **fields)
                after = d
                cmd = EditCommand(self, self.tr("edit the climb “%1”").replace("%1", det.name), d, after, before,
                                  ops.climb_snapshot(self.store, d.climb_id))
        except EditError as exc:
            self.report(str(exc))
            return False
        self.stack.push(cmd)
        self.after_store(changes, after)
        self.report(self.tr("Saved “%1”.").replace("%1", det.name))
        return True

    def ask_delete(self, climb_id: str | None) -> None:
        climb = self.store.climb(climb_id) if climb_id else None
        if climb is None:
            return
        text = self.tr("Delete the climb “%1”? Lists that contain it keep it, marked “climb deleted”. "
                       "You can undo this (Ctrl+Z).").replace("%1", climb.name)
        self._question(self.tr("Delete a climb"), text, Btn.Yes | Btn.Cancel,
                       lambda b: b == Btn.Yes and self.delete(climb.id))

    def delete(self, climb_id: str) -> bool:
        try:
            before = ops.climb_snapshot(self.store, climb_id)
            changes = ops.delete_climb(self.store, climb_id)
        except EditError as exc:
            self.report(str(exc))
            return False
        editing = self.draft.climb_id == climb_id
        after = Draft(face_id=self.draft.face_id, details=Details(grade_system=self.grade_system())) if editing else None
        self.stack.push(DeleteCommand(self, self.tr("delete the climb “%1”").replace("%1", before.row["name"]),
                                      self.draft if editing else None, after, before))
        self.after_store(changes, after)
        for m in changes.messages:
            self.report(m)
        return True

    def after_store(self, changes: Changes, d: Draft | None) -> None:
        if d is not None:
            self.saved = d if d.climb_id else Draft(face_id=d.face_id)
            self.draft = Draft(face_id="")  # force a full refresh
            self.apply_draft(d)
        self.changesApplied.emit(changes, d.climb_id if d is not None else None)

    # --- leaving, questions -------------------------------------------------------------------
    def entered(self) -> None:
        self._show_state()

    def may_leave(self) -> bool:
        if not self.dirty:
            return True
        target = self.scene.requested
        self.ask_unsaved(lambda: self.switch_mode(target, True))
        return False

    def ask_unsaved(self, then: Callable[[], object]) -> None:
        if not self.dirty:
            then()
            return

        def answered(b) -> None:
            if b == Btn.Save and not self.save():
                return
            if b in (Btn.Save, Btn.Discard):
                if b == Btn.Discard:
                    self.discard()
                then()

        self._question(self.tr("Unsaved climb"), self.tr("The climb being set has unsaved changes."),
                       Btn.Save | Btn.Discard | Btn.Cancel, answered)

    def discard(self) -> None:
        self.writer.clear()
        if self.draft.climb_id and (c := self.store.climb(self.draft.climb_id)) is not None:
            self.begin_edit(c)
        else:
            self.begin_new()

    def _question(self, title: str, text: str, buttons, on_answer: Callable[[object], object]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, self.parent_widget)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: on_answer(box.standardButton(box.clickedButton()) if box.clickedButton()
                                                   else Btn.Cancel))
        self.last_question = box
        box.open()

    def report(self, text: str) -> None:
        self.message.emit(text)


def _duplicates(directory: Path, face_id: str, holds: str, exclude: str | None) -> list[ops.Duplicate]:
    return ops.find_duplicates(data.store_for_thread(directory), face_id, holds, exclude=exclude)
