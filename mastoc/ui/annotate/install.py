"""Wiring hold annotations into the main window: `install(window)` returns the `AnnotateController`.

It adds the Annotate mode (View menu and toolbar, Ctrl+6), the Annotate and Maintenance tabs, the
"Avoid / No grip" filters, the warning sign of climbs that use a hold in a bad condition (list and
Climb tab), and runs every edit through `mastoc.edits.annotations` as an undoable command on the
window's undo stack. Reads are small (one face's annotations) and done on the UI thread's store.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QPointF
from PySide6.QtWidgets import QFileDialog, QFrame, QScrollArea

from mastoc.edits import annotations as ops
from mastoc.edits.changes import Changes
from mastoc.store import annotations as reads
from mastoc.ui import menus
from mastoc.ui.annotate.filters import AnnotationFilters
from mastoc.ui.annotate.maintenance import MaintenancePanel
from mastoc.ui.annotate.mode import ANNOTATE, AnnotateMode
from mastoc.ui.annotate.panel import MIXED, AnnotationPanel
from mastoc.ui.annotate.undo import ensure_undo_stack, run_edit


def _tr(text: str) -> str:
    return QCoreApplication.translate("Annotate", text)


HINT = "Annotate: click a hold, shift-click or drag a rectangle to select several; edit in the Annotate tab."


class AnnotateController(QObject):
    def __init__(self, window) -> None:  # type: ignore[no-untyped-def]
        super().__init__(window)
        self.w = window
        self.store = window.store
        self.stack = ensure_undo_stack(window)
        self.mode = AnnotateMode(window.scene, self._selection_changed)
        window.scene.add_mode(self.mode)
        self.action = menus.add_mode_action(window, ANNOTATE, _tr("&Annotate holds"), "Ctrl+6",
                                            _tr("Annotate holds: grip type, condition, difficulty, notes"))
        self.panel = AnnotationPanel()
        scroll = QScrollArea()  # the tab may be short on a 768-pixel screen: scroll, never grow the window
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.panel)
        self.panel_page = scroll
        self.tab = window.side.add_tab(scroll, _tr("Annotate"))
        self.maintenance = MaintenancePanel()
        self.maintenance_tab = window.side.add_tab(self.maintenance, _tr("Maintenance"))
        self.filters = AnnotationFilters()
        window.filters.extras.append(self.filters)
        _place_filters(window.filters.layout(), self.filters)
        self.filters.changed.connect(window.refresh_query)
        window.details.warning_for = self.warning_for
        self.flags: dict[str, str] = {}
        self._values: dict[tuple[str, str], dict[int, str | None]] = {}  # (overlay, source) -> values, until an edit
        self.panel.fieldChanged.connect(self.set_field)
        self.panel.clearRequested.connect(self.clear)
        self.panel.overlayChanged.connect(lambda *_a: self.refresh_overlay())
        self.maintenance.locateRequested.connect(self.locate)
        self.maintenance.markFixedRequested.connect(self.mark_fixed)
        self.maintenance.exportRequested.connect(self.choose_pdf)
        window.faceLoaded.connect(lambda _fid: self.refresh_all())
        window.scene.modeChanged.connect(self._mode_changed)

    # --- reading -------------------------------------------------------------------------
    def _holds(self) -> dict[int, reads.HoldRef]:
        if self.w.face is None:
            return {}
        return {r.num: r for r in reads.holds_by_id(self.store.conn, self.w.face.id).values()}

    def hold_ids(self, nums: set[int] | list[int]) -> list[str]:
        holds = self._holds()
        return [holds[n].id for n in sorted(nums) if n in holds]

    def refresh_all(self, changes: Changes | None = None) -> None:
        self._values = {}
        self.refresh_overlay()
        self.refresh_panel()
        if self.w.face is None:
            return
        self.maintenance.set_items(reads.maintenance(self.store.conn, self.w.face.id))
        flagged = reads.flagged_climbs(self.store.conn, self.w.face.id)
        self.flags = {cid: reads.warning_text(ws) for cid, ws in flagged.items()}
        self.w.model.set_warnings(self.flags)
        if getattr(self.w, "current", None) is not None:
            self.w._show_details()
        if changes is not None and (self.filters.query_kwargs()["avoid_conditions"]
                                    or self.filters.query_kwargs()["no_grips"]):
            self.w.refresh_query()

    def refresh_overlay(self) -> None:
        self.mode.overlay = self.panel.current_overlay()
        self.mode.source = self.panel.current_source()
        key = (self.mode.overlay, self.mode.source)
        if key not in self._values:
            self._values[key] = ({} if self.w.face is None else
                                 reads.overlay_values(self.store.conn, self.w.face.id, *key))
        self.mode.set_values(self._values[key])

    def refresh_panel(self) -> None:
        nums = sorted(self.mode.selection)
        holds = self._holds()
        ids = [holds[n].id for n in nums if n in holds]
        mine = reads.mine(self.store.conn, ids)
        values: dict[str, object] = {}
        for f in ops.FIELDS:
            seen = {getattr(mine[h], f) if h in mine else None for h in ids}
            values[f] = (next(iter(seen)) if len(seen) == 1 else MIXED) if seen else None
        cons = reads.consensus(self.store.conn, ids).get(ids[0]) if len(ids) == 1 else None
        self.panel.show_selection([str(holds[n].public_id) for n in nums if n in holds], values, cons)

    def warning_for(self, climb_id: str) -> str:
        return self.flags.get(climb_id, "")

    # --- editing -------------------------------------------------------------------------
    def _edit(self, text: str, ids: list[str], op) -> Changes | None:  # type: ignore[no-untyped-def]
        return run_edit(self.stack, self.store, text, ids, op, self.refresh_all, self.w.show_error)

    def set_field(self, field: str, value: object) -> Changes | None:
        ids = self.hold_ids(self.mode.selection)
        if not ids:
            return None
        v = None if value in (None, "") else str(value)
        label = _tr("Annotate %n hold(s)").replace("%n", str(len(ids)))
        return self._edit(label, ids, lambda: ops.set_field(self.store, ids, field, v))

    def clear(self) -> Changes | None:
        ids = self.hold_ids(self.mode.selection)
        if not ids:
            return None
        return self._edit(_tr("Clear annotations"), ids, lambda: ops.restore(self.store, dict.fromkeys(ids)))

    def mark_fixed(self, ids: list[str]) -> Changes | None:
        if not ids:
            return None
        return self._edit(_tr("Mark %n hold(s) as fixed").replace("%n", str(len(ids))), list(ids),
                          lambda: ops.mark_fixed(self.store, ids))

    # --- view ----------------------------------------------------------------------------
    def _selection_changed(self, _holds: set[int]) -> None:
        self.refresh_panel()
        if self.w.scene.mode == ANNOTATE:
            self.w.tabs.setCurrentWidget(self.panel_page)

    def _mode_changed(self, name: str) -> None:
        if name == ANNOTATE:
            self.w.statusBar().showMessage(_tr(HINT))
            self.refresh_all()
            self.w.tabs.setCurrentWidget(self.panel_page)

    def locate(self, num: int) -> None:
        hold = self.w.scene.index.by_num.get(num)
        if hold is None:
            return
        if self.w.scene.mode == ANNOTATE:
            self.mode.set_selection({num})
            self.w.tabs.setCurrentWidget(self.maintenance)
        else:
            self.w.scene.set_selected_hold(num)
        self.w.view.centerOn(QPointF(*hold.centroid))

    def choose_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, _tr("Export the maintenance sheet"), "maintenance.pdf",
                                              _tr("PDF files (*.pdf)"))
        if path:
            self.export_pdf(Path(path))

    def export_pdf(self, path: Path) -> None:
        from mastoc.sheets.maintenance import write_sheet

        if self.w.face is None:
            return
        items = reads.maintenance(self.store.conn, self.w.face.id)
        try:
            write_sheet(self.store, self.w.face, items, path)
        except OSError as exc:
            self.w.show_error(_tr("Could not write the sheet: %1").replace("%1", str(exc)))
            return
        self.w.statusBar().showMessage(_tr("Maintenance sheet written to %1").replace("%1", str(path)), 8000)


def _place_filters(grid, widget) -> None:  # type: ignore[no-untyped-def]
    """In the filter bar's last row (beside Sort, before Reset) when it is a row layout, else below."""
    last = grid.rowCount() - 1
    item = grid.itemAtPosition(last, 0)
    row = item.layout() if item is not None else None
    if row is not None and row.count() >= 2:
        row.insertWidget(row.count() - 1, widget)
    else:
        grid.addWidget(widget, grid.rowCount(), 0, 1, grid.columnCount())


def install(window) -> AnnotateController:  # type: ignore[no-untyped-def]
    window.annotate = AnnotateController(window)
    return window.annotate
