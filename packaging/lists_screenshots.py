"""Take the README's Lists screenshots (run under Xvfb):

    xvfb-run -a -s "-screen 0 1366x768x24" python packaging/lists_screenshots.py [--out docs]

1. `lists-circuit.png`: the window with the Lists tab showing a circuit in progress (8 climbs, some
done, one in progress, walked to its 4th climb, shown on the wall); 2. `list-sheet.png`: page 1 of
that list's printed sheet (`mastoc list print`), rendered with pypdfium2; 3. `climb-logbook.png`:
the Climb tab of the 4th climb (project, rating, notes, its lists, logbook). The real wall comes from
../shared/stokt/fixtures loaded into a temporary data directory. A tooling script.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

import pypdfium2 as pdfium  # noqa: E402
from docs_screenshots import FIXTURES, settle, window  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.edits import lists as ops  # noqa: E402
from mastoc.edits import logbook  # noqa: E402
from mastoc.sheets.list_sheet import write_list_sheet  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402

NAMES = ("Dwarfito", "Les Bacs De Ta Vie", "0 Is Even", "Le 3 Croisé", "Échouffe", "200€ To 500€", "001", "002")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    out = Path(args.out)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real"
        with Store.open(real) as st:
            load_backup(st, [FIXTURES])
            ids = [st.conn.execute("SELECT id FROM climbs WHERE name = ? ORDER BY id LIMIT 1", (n,)).fetchone()[0]
                   for n in NAMES]
            (lid,) = ops.create_list(st, "Winter circuit", list_type="circuit",
                                     description="Blue tape circuit, Tuesday nights: one go each, rest 3 min.").lists
            ops.create_list(st, "Projects", list_type="project")
            ops.create_list(st, "Warm-up", is_public=True)
            ops.add_items(st, lid, ids)
            for cid in ids[:3]:
                ops.set_status(st, lid, cid, "done")
            ops.set_status(st, lid, ids[3], "in_progress")
            ops.set_notes(st, lid, ids[3], "heel hook on the second move")
            ops.set_notes(st, lid, ids[0], "flashed")
            logbook.set_personal(st, ids[3], is_project=True, personal_rating=4, personal_notes="heel hook left")
            logbook.add_session(st, ids[3], date="2026-11-28", attempts=6, note="close")
            logbook.add_session(st, ids[3], date="2026-11-30", attempts=3, sent=True)
            write_list_sheet(st, lid, Path(tmp) / "sheet.pdf")
        page = pdfium.PdfDocument(str(Path(tmp) / "sheet.pdf"))[0]
        page.render(scale=1.4).to_pil().save(out / "list-sheet.png")

        w, st = window(real)
        panel = w.lists_panel
        panel.current_list = lid
        panel.refresh()
        w.tabs.setCurrentIndex(w.tab_lists)
        w.side.inner.setSizes([180, 560])
        for _ in range(4):
            panel.walk_next()
            settle(w)
        w.grab().save(str(out / "lists-circuit.png"))
        w.tabs.setCurrentIndex(0)  # the Climb tab of the shown climb: personal fields and logbook
        settle(w)
        w.grab().save(str(out / "climb-logbook.png"))
        w.close()
        w.tasks.wait()
        st.close()
    app.quit()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
