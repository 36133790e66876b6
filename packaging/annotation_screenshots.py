"""Take the README's hold-annotation screenshots (run under Xvfb, like docs_screenshots.py).

    xvfb-run -a -s "-screen 0 1366x768x24" python packaging/annotation_screenshots.py [--out docs]

1. `annotate.png`: Annotate mode with the condition overlay, two holds selected (batch edit), a climb
   that uses a broken hold shown (warning sign in the list); 2. `maintenance.png`: the Maintenance tab.
The real wall is loaded from ../shared/stokt/fixtures; the annotations are made with the same edit
operations the app uses (a fixed, seeded choice of holds).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

from docs_screenshots import FIXTURES, settle, window  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.domain import annotations as dom  # noqa: E402
from mastoc.edits import annotations as ops  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402
from mastoc.ui.annotate.mode import ANNOTATE  # noqa: E402


def annotate(st: Store) -> list[int]:
    rng = random.Random(11)
    holds = [r[0] for r in st.conn.execute(
        "SELECT hold_num FROM climb_holds GROUP BY hold_num ORDER BY count(*) DESC LIMIT 400")]
    chosen = rng.sample(holds, 90)
    weights = {"ok": 60, "a_brosser": 4, "sale": 2, "tournee": 1, "usee": 1, "cassee": 1}
    pool = [v for v, n in weights.items() for _ in range(n)]
    notes = {"tournee": "turns when loaded", "cassee": "cracked at the bolt", "usee": "polished", "sale": "rubber"}
    for i, num in enumerate(chosen):
        hold = st.conn.execute("SELECT id FROM holds WHERE num = ?", (num,)).fetchone()[0]
        cond = pool[i % len(pool)] if i >= 5 else ["cassee", "tournee", "sale", "a_brosser", "usee"][i]
        ops.annotate(st, hold, condition=cond, grip_type=rng.choice(dom.VALUES["grip_type"]),
                     notes=notes.get(cond) if rng.random() < 0.7 else None)
    return chosen


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real"
        with Store.open(real) as st:
            load_backup(st, [FIXTURES])
            chosen = annotate(st)
        w, st = window(real)
        w.set_mode(ANNOTATE)
        settle(w)
        broken = chosen[0]
        row = next(r for r in w.model.rows if f"{broken}" in r.holds_list.split()[0][1:] or
                   any(t[1:] == str(broken) for t in r.holds_list.split()))
        w.show_climb_row(row, show_details_tab=False)
        for i, num in enumerate(chosen[6:8]):
            x, y = w.scene.index.by_num[num].centroid
            w.scene.click_at(x, y, 0.0, Qt.KeyboardModifier.ShiftModifier if i else Qt.KeyboardModifier.NoModifier)
        w.tabs.setCurrentWidget(w.annotate.panel_page)
        w.side.inner.setSizes([170, 520])
        settle(w)
        w.grab().save(str(out / "annotate.png"))
        w.tabs.setCurrentWidget(w.annotate.maintenance)
        w.annotate.maintenance.tree.topLevelItem(0).child(0).setSelected(True)
        w.annotate.locate(chosen[0])
        w.tabs.setCurrentWidget(w.annotate.maintenance)
        settle(w)
        w.grab().save(str(out / "maintenance.png"))
        w.annotate.export_pdf(Path(tmp) / "sheet.pdf")
        w.close()
        w.tasks.wait()
        st.close()
    app.quit()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
