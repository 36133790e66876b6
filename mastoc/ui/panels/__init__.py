"""The side panels beside the wall, one module per panel; they display what the window gives them.

- `side.SidePanel` assembles them: welcome banner, filter row, counts, hold-criteria chips, the
  climb list (`climb_list.ClimbTable` over `climb_model.ClimbListModel`) and the tabs below it;
- `climb_details` (Climb tab), `hold_info` (Hold tab and the hold-search chips), `heatmap`
  (Heatmap tab), `grade_chart` (Grades tab), `filter_bar` (+ `range_slider`), `welcome`.

A new panel (e.g. Lists) is a module here plus one `SidePanel.add_tab(...)` call in the window.
"""

from mastoc.ui.panels.climb_details import ClimbDetails
from mastoc.ui.panels.grade_chart import GradeChart
from mastoc.ui.panels.heatmap import HEAT_KINDS, HeatLegend, HeatmapPanel
from mastoc.ui.panels.hold_info import HoldChips, HoldInfo
from mastoc.ui.panels.welcome import WelcomeBanner

__all__ = ["HEAT_KINDS", "ClimbDetails", "GradeChart", "HeatLegend", "HeatmapPanel", "HoldChips", "HoldInfo",
           "WelcomeBanner"]
