"""The side of the window: welcome banner, filter row, counts, hold-criteria chips, the climb list and
the tabs below it (Climb, Hold, Heatmap, Grades, and any tab added later with `add_tab`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from mastoc.ui.panels.climb_actions import ClimbActions
from mastoc.ui.panels.climb_details import ClimbDetails
from mastoc.ui.panels.climb_list import ClimbTable
from mastoc.ui.panels.climb_model import ClimbListModel
from mastoc.ui.panels.filter_bar import FilterBar
from mastoc.ui.panels.grade_chart import GradeChart
from mastoc.ui.panels.heatmap import HeatmapPanel
from mastoc.ui.panels.hold_info import HoldChips, HoldInfo
from mastoc.ui.panels.welcome import WelcomeBanner

TAB_CLIMB, TAB_HOLD, TAB_HEAT, TAB_GRADES = range(4)


class SidePanel(QWidget):
    def __init__(self, model: ClimbListModel, parent=None) -> None:
        super().__init__(parent)
        self.welcome = WelcomeBanner()
        self.welcome.hide()
        self.filters = FilterBar()
        self.count_label = QLabel("")
        self.count_label.setObjectName("counts")
        self.chips = HoldChips()
        self.chips.hide()
        self.table = ClimbTable(model)
        self.details = ClimbDetails()
        self.climb_actions = ClimbActions()
        climb_tab = QWidget()
        v = QVBoxLayout(climb_tab)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.details, 1)
        v.addWidget(self.climb_actions)
        self.hold_info = HoldInfo()
        self.heat_panel = HeatmapPanel()
        self.chart = GradeChart()
        self.tabs = QTabWidget()
        for widget, title in ((climb_tab, self.tr("Climb")), (self.hold_info, self.tr("Hold")),
                              (self.heat_panel, self.tr("Heatmap")), (self.chart, self.tr("Grades"))):
            self.tabs.addTab(widget, title)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.welcome)
        lay.addWidget(self.filters)
        lay.addWidget(self.count_label)
        lay.addWidget(self.chips)
        self.mode_area = QScrollArea()  # a mode's own panel (e.g. Set mode) above the list, when it has one
        self.mode_area.setWidgetResizable(True)
        self.mode_area.setFrameShape(QFrame.Shape.NoFrame)
        self.mode_area.hide()
        lay.addWidget(self.mode_area, 3)
        self.inner = QSplitter(Qt.Orientation.Vertical)
        self.inner.addWidget(self.table)
        self.inner.addWidget(self.tabs)
        self.inner.setStretchFactor(0, 3)
        self.inner.setStretchFactor(1, 2)
        self.inner.setChildrenCollapsible(False)
        lay.addWidget(self.inner, 1)
        self.setMinimumWidth(380)

    def show_mode_panel(self, panel: QWidget | None) -> None:
        """Show a mode's panel above the list (the tabs make room for it); None: the tabs again."""
        if panel is not None and self.mode_area.widget() is not panel:
            self.mode_area.takeWidget()
            self.mode_area.setWidget(panel)
        self.mode_area.setVisible(panel is not None)
        self.tabs.setVisible(panel is None)

    def add_tab(self, widget: QWidget, title: str) -> int:
        return self.tabs.addTab(widget, title)
