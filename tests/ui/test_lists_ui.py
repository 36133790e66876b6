"""The Lists tab in the real main window (pytest-qt, offscreen): create, add by drag and drop (and
refused twice), reorder by drag and drop, status, notes, progress, circuit Next / Previous on the
wall, delete and undo, "only this list" and "hide sent" filters, context menu, shortcut, the climb
view's personal fields and logbook."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from mastoc.edits import lists as ops
from mastoc.edits import logbook
from tests.ui.conftest import wait_idle


def drop_on(view, index, mime: QMimeData, action=Qt.DropAction.CopyAction, above: bool = False) -> None:
    """A drag entering `view`, moving over `index` (its centre, or its top edge) and dropping."""
    rect = view.visualRect(index)
    pos = QPointF(rect.center().x(), rect.top() + 1 if above else rect.center().y())
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(pos.toPoint(), actions, mime, buttons, mods))
    QApplication.sendEvent(view.viewport(), QDragMoveEvent(pos.toPoint(), actions, mime, buttons, mods))
    ev = QDropEvent(pos, actions, mime, buttons, mods)
    ev.setDropAction(action)
    QApplication.sendEvent(view.viewport(), ev)


def _window_with_list(qtbot, real_data_dir, open_window, monkeypatch, name="Tuesday circuit"):
    w = open_window(real_data_dir)
    panel = w.lists_panel
    w.tabs.setCurrentIndex(w.tab_lists)
    monkeypatch.setattr(panel, "ask_text", lambda *a, **k: name)
    panel.new_btn.click()
    return w, panel


def _drag_climbs(w, panel, rows):
    md = w.model.mimeData([w.model.index(r, 0) for r in rows])
    drop_on(panel.lists_view, panel.lists_model.index(panel.lists_model.row_of(panel.current_list)), md)


def test_create_add_by_drag_and_drop_and_twice_refused(qtbot, real_data_dir, open_window, monkeypatch):
    w, panel = _window_with_list(qtbot, real_data_dir, open_window, monkeypatch)
    lst = ops.find_list(w.store, "Tuesday circuit")
    assert panel.current_list == lst.id and "Tuesday circuit" in panel.lists_model.data(panel.lists_model.index(0))
    _drag_climbs(w, panel, [0, 1, 2])
    ids = [w.model.rows[r].id for r in range(3)]
    assert [i.climb_id for i in ops.items(w.store, lst.id)] == ids
    assert panel.items_model.rowCount() == 3 and panel.progress.text() == "0 of 3 done"
    _drag_climbs(w, panel, [1])  # again: refused with a message, nothing changes
    assert len(ops.items(w.store, lst.id)) == 3
    assert "is already in the list Tuesday circuit" in w.statusBar().currentMessage()
    w.undo_stack.undo()  # undo the add
    assert ops.items(w.store, lst.id) == [] and panel.items_model.rowCount() == 0
    w.undo_stack.redo()
    assert [i.climb_id for i in ops.items(w.store, lst.id)] == ids


def test_reorder_by_drag_and_drop_status_notes_progress(qtbot, real_data_dir, open_window, monkeypatch):
    w, panel = _window_with_list(qtbot, real_data_dir, open_window, monkeypatch)
    _drag_climbs(w, panel, [0, 1, 2])
    names = [i.climb_name for i in panel.items_model.items]
    md = panel.items_model.mimeData([panel.items_model.index(2, 1)])
    drop_on(panel.items_view, panel.items_model.index(0, 1), md, Qt.DropAction.MoveAction)
    assert [i.climb_name for i in ops.items(w.store, panel.current_list)] == [names[2], names[0], names[1]]
    assert [i.climb_name for i in panel.items_model.items] == [names[2], names[0], names[1]]
    w.undo_stack.undo()
    assert [i.climb_name for i in ops.items(w.store, panel.current_list)] == names
    w.undo_stack.redo()

    panel.items_view.selectRow(1)
    panel.status_box.setCurrentIndex(panel.status_box.findData("done"))
    panel.status_box.activated.emit(panel.status_box.currentIndex())
    its = ops.items(w.store, panel.current_list)
    assert its[1].status == "done" and its[0].status == "todo"
    assert panel.progress.value() == 1 and panel.progress.text() == "1 of 3 done"
    panel.items_view.selectRow(0)
    panel.notes.setText("start sitting")
    panel.notes.editingFinished.emit()
    assert ops.items(w.store, panel.current_list)[0].notes == "start sitting"


def test_circuit_next_previous_show_each_climb_on_the_wall(qtbot, real_data_dir, open_window, monkeypatch):
    w, panel = _window_with_list(qtbot, real_data_dir, open_window, monkeypatch)
    panel.type_box.setCurrentIndex(panel.type_box.findData("circuit"))
    panel.type_box.activated.emit(panel.type_box.currentIndex())
    assert ops.get_list(w.store, panel.current_list).list_type == "circuit"
    _drag_climbs(w, panel, [5, 3, 7])
    order = [i.climb_id for i in ops.items(w.store, panel.current_list)]
    panel.next_btn.click()
    wait_idle(qtbot, w)
    assert w.current.id == order[0] and w.scene.climb_refs  # shown on the wall
    panel.next_btn.click()
    wait_idle(qtbot, w)
    assert w.current.id == order[1] and panel.walk_label.text().startswith("2 / 3")
    panel.next_btn.click()
    assert w.current.id == order[2] and not panel.next_btn.isEnabled()
    panel.prev_btn.click()
    assert w.current.id == order[1]
    assert w.tabs.currentIndex() == w.tab_lists


def test_delete_with_confirmation_and_undo(qtbot, real_data_dir, open_window, monkeypatch):
    w, panel = _window_with_list(qtbot, real_data_dir, open_window, monkeypatch)
    _drag_climbs(w, panel, [0, 1])
    lid = panel.current_list
    ops.set_status(w.store, lid, w.model.rows[0].id, "done")
    before = [(i.id, i.climb_id, i.status) for i in ops.items(w.store, lid)]
    monkeypatch.setattr(panel, "confirm", lambda *a: False)
    panel.delete_btn.click()
    assert ops.all_lists(w.store)  # not confirmed: kept
    monkeypatch.setattr(panel, "confirm", lambda *a: True)
    panel.delete_btn.click()
    assert ops.all_lists(w.store) == [] and panel.lists_model.rowCount() == 0
    w.act_undo.trigger()
    assert [(i.id, i.climb_id, i.status) for i in ops.items(w.store, lid)] == before
    assert panel.current_list == lid and panel.items_model.rowCount() == 2


def test_only_this_list_and_hide_sent_filter_the_climb_list(qtbot, real_data_dir, open_window, monkeypatch):
    w, panel = _window_with_list(qtbot, real_data_dir, open_window, monkeypatch)
    _drag_climbs(w, panel, [0, 1, 2, 3])
    ids = {w.model.rows[r].id for r in range(4)}
    panel.only_list.setChecked(True)
    wait_idle(qtbot, w)
    assert {r.id for r in w.model.rows} == ids
    w.filters.text.setText(w.model.rows[0].name)  # combined with the filter bar
    qtbot.waitUntil(lambda: len(w.model.rows) < 4 and not w.model.is_loading(), timeout=20_000)
    assert {r.id for r in w.model.rows} <= ids and w.model.rows
    w.filters.text.setText("")
    qtbot.waitUntil(lambda: len(w.model.rows) == 4 and not w.model.is_loading(), timeout=20_000)
    logbook.add_session(w.store, w.model.rows[0].id, sent=True)
    panel.hide_sent.setChecked(True)
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: len(w.model.rows) == 3 and not w.model.is_loading(), timeout=20_000)


def test_context_menu_shortcut_and_the_climb_view(qtbot, real_data_dir, open_window, monkeypatch):
    w, panel = _window_with_list(qtbot, real_data_dir, open_window, monkeypatch, name="Projects")
    menu = w.climb_list_menu(4)
    sub = menu.actions()[0].menu()
    next(a for a in sub.actions() if a.text() == "Projects").trigger()
    climb4 = w.model.rows[4].id
    assert [i.climb_id for i in ops.items(w.store, panel.current_list)] == [climb4]
    w.show_climb_row(w.model.rows[6])
    w.act_add_to_list.trigger()  # Ctrl+L: the shown climb into the current list
    assert [i.climb_id for i in ops.items(w.store, panel.current_list)] == [climb4, w.model.rows[6].id]

    p = w.personal
    assert p.climb_id == w.model.rows[6].id and "Projects" in p.in_lists.text()
    p.project.click()
    p.rating.setCurrentIndex(p.rating.findData(4))
    p.rating.activated.emit(p.rating.currentIndex())
    p.notes.setText("crimpy start")
    p.notes.editingFinished.emit()
    assert logbook.personal(w.store, p.climb_id) == {"is_project": True, "personal_notes": "crimpy start",
                                                    "personal_rating": 4}
    p.attempts.setValue(6)
    p.sent.setChecked(True)
    p.session_note.setText("finally")
    p.log_btn.click()
    assert p.history.count() == 1 and "sent, 6 tries — finally" in p.history.item(0).text()
    w.undo_stack.undo()
    assert logbook.sessions(w.store, p.climb_id) == [] and p.history.item(0).text() == "No session logged yet."
    w.undo_stack.undo()
    assert logbook.personal(w.store, p.climb_id)["personal_notes"] is None
