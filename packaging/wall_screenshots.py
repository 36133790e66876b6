"""Take the README's personal-wall screenshots (run under Xvfb):

    xvfb-run -a -s "-screen 0 1366x768x24" python packaging/wall_screenshots.py [--out docs]

1. `draw-holds.png`: the Draw-holds mode mid-work on a personal wall made from the real wall photo
   (../shared/stokt/fixtures/wall_full.jpg, read, never copied): some holds drawn, one selected with
   its vertex handles, a polygon being clicked;
2. `detect-all.png`: the Detect-all proposals under review (one selected).
A tooling script: it waits with a local event loop, which the app itself never does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

from docs_screenshots import settle, spin  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.edits import walls  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.ui.drawing.mode import MODE_NAME, Tool  # noqa: E402
from mastoc.ui.main_window import MainWindow  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"
SIZE = (1366, 740)
FOCUS = (560.0, 1150.0, 1560.0, 1900.0)  # the part of the photo shown (x0, y0, x1, y1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "home"
        with Store.open(d) as st:
            walls.new_wall(st, (FIXTURES / "wall_full.jpg").read_bytes(), name="Home board", gym_name="Garage")
        st = Store.open(d)
        w = MainWindow(st)
        w.save_preferences = lambda: None
        w.resize(*SIZE)
        w.show()
        w.start()
        spin(lambda: w._ready_sent)
        settle(w)
        w.set_mode(MODE_NAME)
        x0, y0, x1, y1 = FOCUS
        w.view.fitInView(x0, y0, x1 - x0, y1 - y0)
        settle(w)

        # 2. Detect all, under review
        w.drawing.detect_all()
        spin(lambda: w.drawing.mode.proposals.count() > 0, timeout=120)
        layer = w.drawing.mode.proposals
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        layer.select(min(range(layer.count()), key=lambda i: _dist(layer.polygons[i][0], centre)))
        settle(w)
        w.grab().save(str(out / "detect-all.png"))

        # 1. mid-work: the proposals in view accepted, one hold selected, a polygon being drawn
        inside = [i for i, p in enumerate(layer.polygons) if all(x0 < x < x1 and y0 < y < y1 for x, y in p)]
        chosen = [layer.polygons[i] for i in inside[: len(inside) * 2 // 3]]
        layer.clear()
        w.drawing.mode.add_outlines(chosen)
        w.drawing.set_tool(Tool.SELECT)
        holds = sorted(w.scene.holds, key=lambda h: _dist(h.centroid, (x0 + 300, y0 + 250)))
        w.scene.set_selected_hold(holds[0].num)
        w.drawing.mode.on_hold_clicked(holds[0].num)
        w.drawing.set_tool(Tool.POLYGON)
        w.scene.set_selected_hold(holds[0].num)
        for x, y in _undrawn_hold(w)[:5]:  # clicking around a hold not drawn yet: 5 of its points so far
            w.drawing.mode.on_point_click(x, y, 1.0)
        w.statusBar().showMessage(w.tr("Draw holds: click around a hold; Enter or its first point closes it"))
        settle(w)
        w.grab().save(str(out / "draw-holds.png"))
        w.close()
        st.close()
    app.quit()
    return 0


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def _undrawn_hold(w: MainWindow) -> list[tuple[float, float]]:
    """The outline of a real hold (face_setup.json) in view, near the centre, not drawn yet."""
    import json

    rect = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    cx, cy = rect.center().x(), rect.center().y()
    best: list[tuple[float, float]] = []
    best_d = float("inf")
    for h in json.loads((FIXTURES / "face_setup.json").read_text("utf-8"))["holds"]:
        pts = [tuple(map(float, p.split(","))) for p in h["polygonStr"].split()]
        inside = all(rect.left() + 60 < x < rect.right() - 60 and rect.top() + 60 < y < rect.bottom() - 60
                     for x, y in pts)
        if not inside or len(pts) < 6 or any(w.scene.pick(x, y) is not None for x, y in pts):
            continue
        d = _dist(pts[0], (cx + 150, cy))
        if d < best_d:
            best, best_d = pts, d
    return best


if __name__ == "__main__":
    sys.exit(main())
