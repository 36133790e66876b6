"""R1: `kill -9` of `mastoc stokt import` at random points, many times. After each kill: SQLite's
integrity check passes, no duplicate or orphan rows, the resume cursor is never ahead of the data;
a final run completes and matches the stand-in."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mastoc.backends import credentials
from mastoc.store.db import Store
from tests.stokt.standin import StoktStandin

ROOT = Path(__file__).resolve().parents[2]
KILLS = 10


def _check_consistent(data_dir: Path, standin: StoktStandin, page_size: int) -> int:
    with Store.open(data_dir) as store:
        c = store.conn
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        assert c.execute("SELECT count(*) - count(DISTINCT stokt_id) FROM climbs").fetchone()[0] == 0
        orphans = {
            "climb_holds": "SELECT count(*) FROM climb_holds WHERE climb_id NOT IN (SELECT id FROM climbs)",
            "holds": "SELECT count(*) FROM holds WHERE face_id NOT IN (SELECT id FROM faces)",
            "sync_state": "SELECT count(*) FROM sync_state WHERE local_id NOT IN (SELECT id FROM climbs)",
            "mappings": "SELECT count(*) FROM id_mappings WHERE entity_type = 'climb' "
                        "AND mastoc_id NOT IN (SELECT id FROM climbs)",
            "unmapped": "SELECT count(*) FROM climbs WHERE stokt_id IS NOT NULL AND id NOT IN "
                        "(SELECT mastoc_id FROM id_mappings WHERE entity_type = 'climb')",
            "unindexed": "SELECT count(*) FROM climbs WHERE id NOT IN (SELECT climb_id FROM climb_holds)",
        }
        for name, sql in orphans.items():
            assert c.execute(sql).fetchone()[0] == 0, name
        cursors = dict(c.execute("SELECT key, value FROM sync_cursors WHERE backend = 'stokt'").fetchall())
        if cursors.get("resume_url"):
            done_pages = int(cursors["resume_number"]) - 1
            expected = {x["id"] for x in standin.climb_list()[: done_pages * page_size]}
            stored = {r[0] for r in c.execute("SELECT stokt_id FROM climbs")}
            assert expected <= stored, "cursor ahead of the data"
        return c.execute("SELECT count(*) FROM climbs").fetchone()[0]


@pytest.mark.slow
def test_kill_9_during_import_many_times(standin: StoktStandin, data_dir: Path):
    page_size = 50
    standin.page_size = page_size
    standin.latency = 0.03
    credentials.save(credentials.Credentials("stokt", token=standin.token, base_url=standin.url), data_dir)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MASTOC_DATA_DIR": str(data_dir)}
    env.pop("MASTOC_STOKT_URL", None)
    cmd = [sys.executable, "-m", "mastoc", "stokt", "import", "--full"]
    # how long an uninterrupted run takes here (the machine may be busy): kills land inside that span
    probe = data_dir.parent / "probe"
    probe.mkdir()
    credentials.save(credentials.Credentials("stokt", token=standin.token, base_url=standin.url), probe)
    start = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, env={**env, "MASTOC_DATA_DIR": str(probe)}, check=True, capture_output=True,
                   timeout=60)
    span = time.monotonic() - start
    rng = random.Random(1234)
    counts: list[int] = []
    killed = mid = 0
    deadline = time.monotonic() + 150
    # until enough kills landed, and enough of them mid-import; the kill window adapts to the load
    while (killed < KILLS or mid < 3) and time.monotonic() < deadline:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.25, 0.95) * span)
        was_killed = proc.poll() is None
        if was_killed:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=60)
        n = _check_consistent(data_dir, standin, page_size)
        counts.append(n)
        if was_killed and 0 < n < 1017:
            mid += 1
        elif not was_killed:
            span *= 0.8  # the run finished first: kill sooner
        elif n == 0:
            span *= 1.3  # killed before its first commit: kill later
        if n == 1017:  # finished: start over from an empty store, to kill first imports again
            for f in data_dir.glob("mastoc.sqlite3*"):
                f.unlink()
            shutil.rmtree(data_dir / "images", ignore_errors=True)
            counts.append(-1)  # marks the restart
    assert killed >= KILLS and mid >= 3, counts
    run: list[int] = []
    for n in [*counts, -1]:  # within one data directory (-1 = restart), finished pages are never lost
        if n == -1:
            assert run == sorted(run), counts
            run = []
        else:
            run.append(n)
    print("climbs after each kill:", counts)
    final = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert final.returncode == 0, final.stderr
    assert _check_consistent(data_dir, standin, page_size) == 1017
    with Store.open(data_dir) as store:
        stored = {r[0] for r in store.conn.execute("SELECT stokt_id FROM climbs")}
        assert stored == {x["id"] for x in standin.climb_list()}
        assert store.counts()["holds"] == 776 and store.counts()["users"] == 79
        face = store.faces()[0]
        assert face.picture_sha256 and store.image_path(face.picture_sha256) is not None
