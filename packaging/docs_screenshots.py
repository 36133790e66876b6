"""Take the README's screenshots (run under Xvfb: see docs/app.md).

    xvfb-run -s "-screen 0 1366x768x24" python packaging/docs_screenshots.py [--out docs]

1. the real wall with a climb selected, 2. search by holds with three holds chosen, 3. the usage
heatmap, 4. Set mode half-way (a fixture climb re-entered without its top: the legend, a rule message
and a duplicate warning), 5. the first start (demo wall). `--only set` takes only the Set-mode one. The real wall comes from ../shared/stokt/fixtures loaded with
the normal Stokt backup loader into a temporary data directory. A tooling script: it waits with a
local event loop, which the app itself never does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.domain import holdslist  # noqa: E402
from mastoc.domain.models import Role  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402
from mastoc.ui import first_start  # noqa: E402
from mastoc.ui.main_window import MainWindow  # noqa: E402
from mastoc.ui.wall.modes import Mode  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"
CLIMB = "82861103-b552-4b5d-99fd-8519ed905809"
SET_CLIMB = CLIMB
SIZE = (1366, 740)


def spin(cond, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    loop = QEventLoop()
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("the window did not settle")
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def settle(w: MainWindow) -> None:
    spin(lambda: w.tasks.pending() == 0)
    QTimer.singleShot(150, lambda: None)
    spin(lambda: True)
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)
    loop.exec()


def window(directory: Path) -> tuple[MainWindow, Store]:
    st = Store.open(directory)
    first_start.ensure_demo(st)
    w = MainWindow(st)
    w.save_preferences = lambda: None
    w.resize(*SIZE)
    w.show()
    w.start()
    spin(lambda: w._ready_sent)
    settle(w)
    return w, st


CLICKS = {Role.OTHER: 1, Role.START: 2, Role.TOP: 3, Role.FEET: 4}  # the Set-mode click cycle


def set_mode_shot(w: MainWindow, st: Store, out: Path) -> None:
    """A fixture climb's holds clicked in again, all but its top: the rules say a top is missing and the
    duplicate warning names the climb (and any other close one)."""
    w.clear_climb()
    w.set_mode(Mode.SET)
    for ref in holdslist.parse(st.climb(SET_CLIMB).holds_list):
        if ref.role is not Role.TOP:
            for _ in range(CLICKS[ref.role]):
                w.scene.click_at(*w.scene.index.by_num[ref.hold].centroid)
    w.setter.panel.name.setText("Crimp line")
    w.setter.panel.name.textEdited.emit("Crimp line")
    settle(w)
    w.grab().save(str(out / "set-mode.png"))
    w.setter.discard()
    w.set_mode(Mode.BROWSE)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs"))
    ap.add_argument("--only", choices=["set"], help="take only this screenshot")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real"
        with Store.open(real) as st:
            load_backup(st, [FIXTURES])
        w, st = window(real)
        if args.only == "set":
            set_mode_shot(w, st, out)
            w.close()
            w.tasks.wait()
            st.close()
            print(f"screenshot written to {out}")
            return 0
        w.select_climb(CLIMB)
        settle(w)
        w.grab().save(str(out / "climb.png"))

        w.clear_climb()
        w.set_mode(Mode.HOLD_SEARCH)
        # three holds that many climbs share: the busiest hand hold, then the holds most used with it
        picks: list[int] = []
        for _ in range(3):
            sql = ("SELECT ch.hold_num, count(*) AS n FROM climb_holds ch WHERE ch.role = 'O' "
                   + "".join(f" AND ch.climb_id IN (SELECT climb_id FROM climb_holds WHERE hold_num = {p})" for p in picks)
                   + (f" AND ch.hold_num NOT IN ({','.join(map(str, picks))})" if picks else "")
                   + " GROUP BY ch.hold_num ORDER BY n DESC LIMIT 1")
            picks.append(int(st.conn.execute(sql).fetchone()[0]))
        for num, clicks in zip(picks, (1, 1, 1), strict=True):
            x, y = w.scene.index.by_num[num].centroid
            for _ in range(clicks):
                w.scene.click_at(x, y)
        settle(w)
        w.next_climb()
        settle(w)
        w.grab().save(str(out / "hold-search.png"))

        w.scene.clear_search()
        w.set_mode(Mode.HEATMAP)
        settle(w)
        w.grab().save(str(out / "heatmap.png"))
        w.set_mode(Mode.BROWSE)
        set_mode_shot(w, st, out)
        w.close()
        w.tasks.wait()
        st.close()

        w2, st2 = window(Path(tmp) / "empty")
        w2.grab().save(str(out / "first-start.png"))
        w2.close()
        w2.tasks.wait()
        st2.close()
    app.quit()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
