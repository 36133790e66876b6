"""Take the README's screenshot of the damaged-store dialog (run under Xvfb):

    xvfb-run -a -s "-screen 0 1366x768x24" python packaging/store_dialog_screenshot.py [--out docs]

The dialog is the one the app shows at start-up when SQLite's quick_check of the store fails
(`mastoc.ui.store_dialogs`); here it is built for a store damaged on purpose in a temporary directory,
with the real error text SQLite gives for it. A tooling script: it waits with a local event loop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.store import paths  # noqa: E402
from mastoc.store.db import Store, StoreCorruptError  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402
from mastoc.ui.store_dialogs import DamagedStoreDialog  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"


def damaged_error(directory: Path) -> tuple[Path, str]:
    with Store.open(directory) as store:
        load_backup(store, [FIXTURES])
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_file = paths.db_path(directory)
    size = db_file.stat().st_size
    with open(db_file, "r+b") as fh:
        fh.seek((size // 2) // 4096 * 4096)
        fh.write(b"\xde\xad\xbe\xef" * 4096)
    try:
        Store.open(directory, check=True).close()
    except StoreCorruptError as exc:
        return db_file, exc.reason
    raise SystemExit("the store was not reported damaged")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        db_file, detail = damaged_error(Path(tmp) / "data")
        shown = Path("~/.local/share/mastoc/mastoc.sqlite3")  # where a user's store lives on Linux
        dialog = DamagedStoreDialog(shown, detail.replace(str(db_file), str(shown)))
        dialog.show()
        loop = QEventLoop()
        QTimer.singleShot(400, loop.quit)
        loop.exec()
        out = Path(args.out) / "damaged-store.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not dialog.grab().save(str(out), "PNG"):
            print(f"could not write {out}", file=sys.stderr)
            return 1
        print(out)
        dialog.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
