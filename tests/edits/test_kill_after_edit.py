"""R2: `kill -9` right after edits — every acknowledged set, edit and delete is there after restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from mastoc.edits import climbs as ec
from mastoc.store.db import Store

ROOT = Path(__file__).resolve().parents[2]


def test_acknowledged_edits_survive_kill_9(store: Store):
    face = next(f.id for f in store.faces() if f.stokt_id)
    victim = store.conn.execute("SELECT id FROM climbs ORDER BY stokt_id LIMIT 1").fetchone()[0]
    directory = store.directory
    store.close()
    script = textwrap.dedent(f"""
        import sys, time
        from mastoc.edits import climbs as ec
        from mastoc.store.db import Store
        s = Store.open({str(directory)!r})
        (cid,) = ec.set_climb(s, ec.ClimbInput({face!r}, "Set before the kill", "S829284 O829309 T829220")).climbs
        ec.edit_climb(s, cid, name="Edited before the kill")
        ec.delete_climb(s, {victim!r})
        print(cid, flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        cid = proc.stdout.readline().strip()  # acknowledged
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert cid
    with Store.open(directory, check=True) as s:
        assert s.climb(cid).name == "Edited before the kill"
        assert s.climb(victim) is None and ec.trashed_snapshot(s, victim).climb_id == victim
