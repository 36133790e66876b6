"""The preview of a sync operation: one tab per entity type, the plan's categories as groups.

Each group ("Conflicts (1)", "New (12)", …) lists readable rows (title, what changed, direction);
unchanged things are only counted. Push-to-Stokt rows carry a check box, conflicts a choice (keep
mine / take theirs / keep both) and, under the row, their field-by-field comparison of the base, mine
and theirs (`sync_conflict.ConflictTable`). `selected()` and `resolutions()` give back what the user
chose, keyed by the facade's `PreviewItem.key`.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHeaderView, QTabWidget, QTreeWidget, QTreeWidgetItem, QWidget

from mastoc.ui.sync_conflict import ConflictTable
from mastoc.ui.sync_words import (
    CHOICE_NAMES,
    DIRECTION_ARROWS,
    category_key,
    category_name,
    entity_name,
    readable_detail,
)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_ROWS = 2000  # rows listed per category (the rest is counted, and included): keeps P11 with 100k climbs
COL_TITLE, COL_DETAIL, COL_DIR, COL_CHOICE = range(4)


class PreviewView(QTabWidget):
    selectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self._checks: dict[str, QTreeWidgetItem] = {}
        self._choices: dict[str, QComboBox] = {}
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._compares: dict[str, ConflictTable] = {}
        self._unlisted_selectable: set[str] = set()
        self._theirs = ""

    def clear_preview(self) -> None:
        while self.count():
            w = self.widget(0)
            self.removeTab(0)
            w.deleteLater()
        self._checks.clear()
        self._choices.clear()
        self._rows.clear()
        self._compares.clear()
        self._unlisted_selectable.clear()

    def set_preview(self, preview, default_choice: str = "") -> None:
        self.clear_preview()
        op = str(getattr(getattr(preview, "op", ""), "value", getattr(preview, "op", "")))
        self._theirs = self.tr("Stokt") if op.startswith("stokt") else self.tr("the server")
        by_entity: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for item in preview.items:
            by_entity[item.entity][item.category].append(item)
        entities = list(dict.fromkeys([*by_entity, *preview.counts]))
        entities.sort(key=lambda e: (0 if e == "climb" else 1, e))
        for entity in entities:
            counts = preview.counts.get(entity, {})
            groups = by_entity.get(entity, {})
            if not groups and not any(n for c, n in counts.items() if c != "unchanged"):
                continue  # nothing but unchanged things: the counts line above the tabs says it
            tree = self._tree(entity, groups, counts, default_choice)
            listed = sum(len(v) for v in groups.values())
            conflicts = len(groups.get("conflict", ()))
            label = f"{entity_name(entity)} ({listed:,})" if listed else entity_name(entity)
            if conflicts:
                label = f"{entity_name(entity)} ⚠ {conflicts}"
            self.addTab(tree, label)
        # open the tab with conflicts first, else climbs
        for i in range(self.count()):
            if "⚠" in self.tabText(i):
                self.setCurrentIndex(i)
                break

    def _tree(self, entity: str, groups: dict[str, list], counts: dict[str, int], default_choice: str) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(f"preview-{entity}")
        tree.setColumnCount(4)
        tree.setHeaderLabels(["Item", "What changes", "", "Choice"])
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(False)
        tree.setRootIsDecorated(True)
        h = tree.header()
        h.setStretchLastSection(False)
        h.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(COL_DIR, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(COL_CHOICE, QHeaderView.ResizeMode.ResizeToContents)
        tree.setColumnWidth(COL_TITLE, 240)
        for category in sorted(groups, key=category_key):
            items = groups[category]
            n = max(counts.get(category, 0), len(items))
            head = QTreeWidgetItem(tree, [f"{category_name(category)} ({n:,})"])
            head.setFirstColumnSpanned(True)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setData(0, KEY_ROLE, f"category:{category}")
            rows = []
            listed, unlisted = items[:MAX_ROWS], items[MAX_ROWS:]
            self._unlisted_selectable.update(it.key for it in unlisted if it.selectable)
            items = listed
            for it in items:
                detail = readable_detail(it.detail)
                row = QTreeWidgetItem([it.title, detail, DIRECTION_ARROWS.get(it.direction, it.direction), ""])
                rows.append(row)
                row.setData(0, KEY_ROLE, it.key)
                row.setToolTip(COL_DIR, "from the backend to this computer" if it.direction == "pull"
                               else "from this computer to the backend")
                row.setToolTip(COL_DETAIL, detail)
                self._rows[it.key] = row
                if it.selectable:
                    row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    row.setCheckState(0, Qt.CheckState.Checked)
                    self._checks[it.key] = row
            head.addChildren(rows)  # one insertion, not one per row
            for it, row in zip(items, rows, strict=True):
                if it.choices:
                    box = QComboBox()
                    box.setObjectName(f"choice-{it.key}")
                    box.addItem(self.tr("Decide later"), "")
                    for c in it.choices:
                        box.addItem(CHOICE_NAMES.get(c, c), c)
                    if default_choice in it.choices:
                        box.setCurrentIndex(box.findData(default_choice))
                    tree.setItemWidget(row, COL_CHOICE, box)
                    self._choices[it.key] = box
                if getattr(it, "compare", None):
                    detail_row = QTreeWidgetItem(row)
                    detail_row.setFirstColumnSpanned(True)
                    detail_row.setData(0, KEY_ROLE, None)
                    table = ConflictTable(list(it.compare), self._theirs)
                    tree.setItemWidget(detail_row, 0, table)
                    self._compares[it.key] = table
                    row.setExpanded(True)
            if unlisted:
                more = QTreeWidgetItem(head, [f"… and {len(unlisted):,} more (included, not listed)"])
                more.setFirstColumnSpanned(True)
                more.setData(0, KEY_ROLE, None)
            head.setExpanded(category == "conflict" or len(items) <= 200)
        # counted-only categories (unchanged, and anything not itemised)
        for category, n in sorted(counts.items(), key=lambda kv: category_key(kv[0])):
            if n and category not in groups:
                head = QTreeWidgetItem(tree, [f"{category_name(category)}: {n:,}"])
                head.setFirstColumnSpanned(True)
                head.setData(0, KEY_ROLE, f"category:{category}")
                head.setForeground(0, tree.palette().placeholderText())
        tree.itemChanged.connect(lambda *_: self.selectionChanged.emit())
        return tree

    # --- what the user chose -------------------------------------------------------------------

    def selectable_keys(self) -> list[str]:
        return list(self._checks)

    def set_checked(self, key: str, checked: bool) -> None:
        self._checks[key].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def selected(self) -> set[str] | None:
        """The ticked keys, or None when nothing in the preview is selectable (= everything)."""
        if not self._checks:
            return None
        ticked = {k for k, row in self._checks.items() if row.checkState(0) == Qt.CheckState.Checked}
        return ticked | self._unlisted_selectable

    def conflict_keys(self) -> list[str]:
        return list(self._choices)

    def set_choice(self, key: str, choice: str) -> None:
        box = self._choices[key]
        box.setCurrentIndex(box.findData(choice))

    def comparison(self, key: str) -> list[tuple[str, str, str, str]]:
        """The field-by-field comparison shown under conflict `key`: (field, base, mine, theirs)."""
        table = self._compares.get(key)
        return table.cell_texts() if table is not None else []

    def resolutions(self) -> dict[str, str]:
        return {k: box.currentData() for k, box in self._choices.items() if box.currentData()}

    def row_texts(self) -> list[tuple[str, str, str]]:
        """(category group, title, detail) of every listed row (tests and the summary)."""
        out = []
        for i in range(self.count()):
            tree = self.widget(i)
            for g in range(tree.topLevelItemCount()):
                head = tree.topLevelItem(g)
                for c in range(head.childCount()):
                    row = head.child(c)
                    if row.data(0, KEY_ROLE) is None:
                        continue
                    out.append((str(head.data(0, KEY_ROLE)).removeprefix("category:"), row.text(COL_TITLE),
                                row.text(COL_DETAIL)))
        return out
