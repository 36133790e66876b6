"""Take the Sync panel's screenshots (run under Xvfb):

    xvfb-run -s "-screen 0 1366x768x24" python packaging/sync_screenshots.py [--out docs]

1. `sync-preview.png`: Sync with Railway previewed on device B after device A synced a rename of the
   same climb (a conflict, "keep both" chosen), a new climb, a hold note and a list (a mastoc server in
   a thread, SQLite). 2. `sync-preview-stokt.png`: Import from Stokt after changes on both sides.
   3. `sync-run.png`: Push to Stokt in progress. 4. `sync-history.png`: the Railway sync run, then the
   History tab. Against the loopback Stokt stand-in of the tests (real
   fixtures from ../shared/stokt/fixtures), in temporary data directories. A tooling script: it waits with a local event loop, which the app never does.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mastoc.domain.ids import new_id  # noqa: E402
from mastoc.domain.models import Climb, Source  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.sync import operations as ops  # noqa: E402
from mastoc.ui.sync_panel import SyncPanel  # noqa: E402
from tests.stokt.standin import FACE_ID, StoktStandin  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"


def spin(cond, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    loop = QEventLoop()
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("the panel did not settle")
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def pause(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def railway_conflict_preview(out: Path, standin: StoktStandin, tmp: Path) -> None:
    """Two devices and a mastoc server (uvicorn in a thread, SQLite): the same climb renamed on both,
    plus a new climb, a hold note and a list from the other device; the panel previews on device B."""
    import socket
    import threading

    import requests
    import uvicorn

    from mastoc.server import db
    from mastoc.server.app import create_app
    from mastoc.server.config import Settings

    url_db = f"sqlite:///{tmp / 'server.db'}"
    engine = db.make_engine(url_db)
    db.migrate(engine)
    engine.dispose()
    app = create_app(Settings(database_url=url_db, secret_key="screenshots-secret-0123456789abcdef",
                              data_dir=tmp / "server"), run_migrations=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    spin(lambda: server.started)
    url = f"http://127.0.0.1:{port}"
    email, password = "ada@example.org", "password-123"
    requests.post(f"{url}/api/auth/register", json={"email": email, "username": "ada", "password": password,
                                                    "full_name": "Ada"}, timeout=10).raise_for_status()
    with app.state.engine.begin() as c:
        from sqlalchemy import text

        c.execute(text("UPDATE users SET role = 'admin' WHERE email = :e"), {"e": email})
    a, b = tmp / "a", tmp / "b"
    for d in (a, b):
        d.mkdir()
        ops.login("railway", email, password, url=url, data_dir=d)
    ops.login("stokt", standin.username, standin.password, standin.url, a)
    assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, a), a).ok
    for d in (a, b):
        rep = ops.run(ops.preview(ops.Op.RAILWAY_SYNC, d), d)
        assert rep.ok, rep.errors
    first = json.loads((FIXTURES / "climbs_page_1.json").read_text(encoding="utf-8"))["results"]
    with Store.open(a) as st:
        mine = st.climb(first[2]["id"])
        st.save_climb(dataclasses.replace(mine, name=mine.name + " (sit start)", grade_font="6C", grade_ircra=18.5))
        face = st.face(FACE_ID)
        st.save_climb(Climb(id=new_id(), face_id=face.id, name="Bloc du lundi", holds_list="S829284 O829309 T829220",
                            grade_font="6B", grade_ircra=17.5, feet_rule="Pieds des mains", source=Source.MASTOC))
        hold = st.holds(face.id)[10]
        with st.transaction() as c:
            c.execute("INSERT INTO hold_annotations (id, hold_id, grip_type, notes) VALUES (?, ?, 'reglette', ?)",
                      (new_id(), hold.id, "sharp, good for the left hand"))
            c.execute("INSERT INTO climb_lists (id, name) VALUES (?, 'Projects for winter')", (new_id(),))
    assert ops.run(ops.preview(ops.Op.RAILWAY_SYNC, a), a).ok
    with Store.open(b) as st:
        theirs = st.climb(first[2]["id"])
        st.save_climb(dataclasses.replace(theirs, name=theirs.name + " (no dyno)"))

    panel = SyncPanel(b)
    panel.resize(1100, 640)
    panel.show_for("railway-sync", "railway")
    spin(lambda: panel.status is not None and panel.current_op() == "railway-sync" and not panel.busy)
    panel.start_preview()
    spin(lambda: panel.preview is not None and not panel.busy)
    keys = panel.preview_view.conflict_keys()
    if keys:
        panel.preview_view.set_choice(keys[0], "both")
    pause()
    panel.grab().save(str(out / "sync-preview.png"))
    print(f"railway: conflicts {len(keys)}; rows: {panel.preview_view.row_texts()}")
    panel.start_run()
    spin(lambda: not panel.busy and panel.preview is None)
    panel.tabs.setCurrentIndex(1)
    spin(lambda: panel.history.rowCount() >= 2)
    pause()
    panel.grab().save(str(out / "sync-history.png"))
    print("railway history:", panel.history_texts(), "message:", panel.message.text())
    panel.tasks.wait()
    panel.close()
    server.should_exit = True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    out = Path(args.out)
    app = QApplication.instance() or QApplication(sys.argv)
    d = Path(tempfile.mkdtemp(prefix="sync-shots-"))
    with StoktStandin(FIXTURES) as standin:
        ops.set_active_backend("stokt", d)
        ops.login("stokt", standin.username, standin.password, standin.url, d)
        assert ops.run(ops.preview(ops.Op.STOKT_IMPORT, d), d).ok
        first = json.loads((FIXTURES / "climbs_page_1.json").read_text(encoding="utf-8"))["results"]
        both, theirs = first[1], first[3]
        with Store.open(d) as st:  # edited here and on Stokt: a conflict
            mine = st.climb(both["id"])
            st.save_climb(dataclasses.replace(mine, name=mine.name + " (my version)", grade_font="7A",
                                              grade_ircra=20.5))
            face = st.face(FACE_ID)
            for name, grade, ircra in (("Bloc du lundi", "6B", 17.5), ("Traversée basse", "5+", 15.0),
                                       ("Le toit", "7A+", 21.5)):
                st.save_climb(Climb(id=new_id(), face_id=face.id, name=name, holds_list="S829284 O829309 T829220",
                                    grade_font=grade, grade_ircra=ircra, feet_rule="Pieds des mains",
                                    source=Source.MASTOC))
        standin.edit_climb(both["id"], name=both["name"] + " (Stokt's version)")
        standin.edit_climb(theirs["id"], name=theirs["name"] + " v2", description="Réglé à nouveau")
        standin.add_climb("Nouveau bloc")

        panel = SyncPanel(d)
        panel.resize(1100, 640)
        panel.show_for("stokt-import", "stokt")
        spin(lambda: panel.status is not None and panel.current_op() == "stokt-import")
        panel.full_box.setChecked(True)
        panel.start_preview()
        spin(lambda: panel.preview is not None and not panel.busy)
        keys = panel.preview_view.conflict_keys()
        if keys:
            panel.preview_view.set_choice(keys[0], "mine")
        pause()
        panel.grab().save(str(out / "sync-preview-stokt.png"))
        print(f"conflicts: {len(keys)}; rows: {panel.preview_view.row_texts()}")

        panel.show_for("stokt-push")
        spin(lambda: panel.current_op() == "stokt-push" and not panel.busy and panel.status is not None
             and panel.status.backend == "stokt")
        panel.start_preview()
        spin(lambda: panel.preview is not None and not panel.busy)
        standin.latency = 0.8
        panel.start_run()
        spin(lambda: len(standin.posted) >= 1 and "Pushing" in panel.step_label.text(), timeout=30)
        pause(400)
        panel.grab().save(str(out / "sync-run.png"))
        spin(lambda: not panel.busy, timeout=60)
        panel.load_history()
        pause(300)
        print("message:", panel.message.text())
        print("history:", panel.history_texts())
        panel.tasks.wait()
        panel.close()
        railway_conflict_preview(out, standin, Path(tempfile.mkdtemp(prefix="sync-shots-railway-")))
    app.quit()


if __name__ == "__main__":
    main()
