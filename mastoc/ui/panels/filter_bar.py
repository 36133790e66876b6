"""The filter bar: grade range (double slider in the chosen system), setter, text, feet rule,
benchmarks only and sort. Emits `changed` (debounced) and builds the matching part of a ClimbQuery."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from mastoc.domain import grades
from mastoc.store.search import SORTS
from mastoc.ui.panels.range_slider import RangeSlider
from mastoc.ui.preferences import Filters

SORT_LABELS = {"newest": "Newest", "grade": "Grade", "name": "Name", "popularity": "Popularity"}


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.system = grades.GradeSystem.FONT.value
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.changed)
        self._quiet = False
        self.extras: list = []  # objects with query_kwargs() adding ClimbQuery fields (e.g. annotation filters)

        self.text = QLineEdit(placeholderText="Search climb names…")
        self.text.setClearButtonEnabled(True)
        self.setter = QLineEdit(placeholderText="Setter")
        self.setter.setClearButtonEnabled(True)
        self.grade = RangeSlider()
        self.grade_label = QLabel(self.tr("all grades"))
        self.grade_label.setMinimumWidth(70)
        self.feet = QComboBox()
        self.feet.addItem(self.tr("Any feet rule"), "")
        self.bench = QCheckBox(self.tr("Benchmarks only"))
        self.changed_holds = QCheckBox(self.tr("Changed holds"))
        self.changed_holds.setToolTip(self.tr("Only climbs that use a hold moved, reshaped or removed since they were set"))
        self.sort = QComboBox()
        for key in SORTS:
            self.sort.addItem(SORT_LABELS.get(key, key), key)
        self.reset_btn = QToolButton(text=self.tr("Reset"))
        self.reset_btn.setToolTip(self.tr("Clear every filter"))

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.text, 0, 0, 1, 2)
        grid.addWidget(self.setter, 0, 2)
        row1 = QHBoxLayout()
        row1.addWidget(QLabel(self.tr("Grade")))
        row1.addWidget(self.grade, 1)
        row1.addWidget(self.grade_label)
        grid.addLayout(row1, 1, 0, 1, 3)
        # two short rows rather than one, so nothing is clipped in a narrow side panel (800×600)
        row2 = QHBoxLayout()
        row2.addWidget(self.feet, 1)
        row2.addWidget(self.bench)
        row2.addWidget(self.changed_holds)
        grid.addLayout(row2, 2, 0, 1, 3)
        row3 = QHBoxLayout()
        row3.addWidget(QLabel(self.tr("Sort")))
        row3.addWidget(self.sort, 1)
        row3.addStretch(1)
        row3.addWidget(self.reset_btn)
        grid.addLayout(row3, 3, 0, 1, 3)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(2, 1)

        self.text.textChanged.connect(self._kick)
        self.setter.textChanged.connect(self._kick)
        self.grade.rangeChanged.connect(self._grade_moved)
        self.feet.currentIndexChanged.connect(self._now)
        self.bench.toggled.connect(self._now)
        self.changed_holds.toggled.connect(self._now)
        self.sort.currentIndexChanged.connect(self._now)
        self.reset_btn.clicked.connect(self.reset)
        self.set_grade_system(self.system)

    # --- state ---------------------------------------------------------------------------

    def set_grade_system(self, system: str) -> None:
        """Switch the slider to `system`'s labels, keeping the IRCRA range as close as possible."""
        lo, hi = self.ircra_bounds()
        self.system = system
        labels = grades.labels(system)
        self.grade.set_labels(labels)
        lo_i = 0 if lo is None else _index_of(labels, system, lo)
        hi_i = len(labels) - 1 if hi is None else _index_of(labels, system, hi - 1e-6)
        self.grade.set_range(lo_i, hi_i)
        self.grade_label.setText(self.grade.text())

    def set_feet_rules(self, rules: list[str]) -> None:
        current = self.feet.currentData()
        self._quiet = True
        self.feet.clear()
        self.feet.addItem(self.tr("Any feet rule"), "")
        for r in rules:
            self.feet.addItem(r, r)
        i = self.feet.findData(current)
        self.feet.setCurrentIndex(max(0, i))
        self._quiet = False

    def set_setters(self, names: list[str]) -> None:
        comp = QCompleter(names, self)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setter.setCompleter(comp)

    def ircra_bounds(self) -> tuple[float | None, float | None]:
        lo, hi = self.grade.bounds() if self.grade.labels else (None, None)
        try:
            return grades.filter_bounds(self.system, lo, hi)
        except grades.GradeError:
            return (None, None)

    def filters(self) -> Filters:
        lo, hi = self.grade.bounds()
        return Filters(grade_lo=lo, grade_hi=hi, setter=self.setter.text().strip(), text=self.text.text().strip(),
                       feet_rule=self.feet.currentData() or "", benchmark_only=self.bench.isChecked(),
                       sort=self.sort.currentData() or "newest")

    def set_filters(self, f: Filters) -> None:
        self._quiet = True
        labels = self.grade.labels
        lo = labels.index(f.grade_lo) if f.grade_lo in labels else 0
        hi = labels.index(f.grade_hi) if f.grade_hi in labels else len(labels) - 1
        self.grade.set_range(lo, hi)
        self.grade_label.setText(self.grade.text())
        self.setter.setText(f.setter)
        self.text.setText(f.text)
        i = self.feet.findData(f.feet_rule)
        if i < 0 and f.feet_rule:
            self.feet.addItem(f.feet_rule, f.feet_rule)
            i = self.feet.count() - 1
        self.feet.setCurrentIndex(max(0, i))
        self.bench.setChecked(f.benchmark_only)
        self.sort.setCurrentIndex(max(0, self.sort.findData(f.sort)))
        self._quiet = False
        self._debounce.stop()

    def query_kwargs(self) -> dict:
        f = self.filters()
        lo, hi = self.ircra_bounds()
        out = dict(grade_min=lo, grade_max=hi, setter=f.setter or None, text=f.text or None,
                   feet_rule=f.feet_rule or None, benchmark_only=f.benchmark_only, sort=f.sort,
                   changed_holds_only=self.changed_holds.isChecked())
        for extra in self.extras:
            out.update(extra.query_kwargs())
        return out

    def reset(self) -> None:
        self.changed_holds.blockSignals(True)
        self.changed_holds.setChecked(False)
        self.changed_holds.blockSignals(False)
        self.set_filters(Filters())
        self.changed.emit()

    # --- signals -------------------------------------------------------------------------

    def _grade_moved(self, _lo: int, _hi: int) -> None:
        self.grade_label.setText(self.grade.text())
        self._kick()

    def _kick(self, *_args) -> None:
        if not self._quiet:
            self._debounce.start()

    def _now(self, *_args) -> None:
        if not self._quiet:
            self._debounce.stop()
            self.changed.emit()

    def flush(self) -> None:
        """Emit a pending debounced change now (tests, Enter key)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()


def _index_of(labels: tuple[str, ...], system: str, ircra: float) -> int:
    lbl = grades.label(system, ircra)
    if lbl in labels:
        return labels.index(lbl)
    return 0
