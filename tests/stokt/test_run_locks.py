"""Issue 9 §3: runs killed with -9 are marked interrupted at the next start; two `mastoc stokt push
--all` at once post a climb once (a per-store push lock; the second refuses with one line), and an
intent left pending by a killed push is settled by the next push (no duplicate, no intent forever).

The pushes and kills are real `python -m mastoc` processes against the stand-in, with a slow POST."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mastoc.backends import credentials
from mastoc.cli import main
from mastoc.store.db import Store
from tests.stokt.standin import FACE_ID, GYM_ID, StoktStandin

ROOT = Path(__file__).resolve().parents[2]


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MASTOC_DATA_DIR": str(data_dir)}
    env.pop("MASTOC_STOKT_URL", None)
    return env


def _mastoc(data_dir: Path, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mastoc", *argv], cwd=ROOT, env=_env(data_dir), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(pred, what: str, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture()
def ready(standin: StoktStandin, data_dir: Path, capsys) -> StoktStandin:
    """A store imported from the stand-in, logged in, with one local climb to push."""
    credentials.save(credentials.Credentials("stokt", token=standin.token, base_url=standin.url), data_dir)
    os.environ.pop("MASTOC_STOKT_URL", None)
    assert main(["stokt", "import", "--gym", GYM_ID]) == 0
    assert main(["climb", "add", "--face", FACE_ID, "--holds", "S829284 O829309 T829220", "--name",
                 "Two pushes", "--grade", "6A"]) == 0
    capsys.readouterr()
    return standin


def _runs(data_dir: Path) -> list[tuple[str, str]]:
    with Store.open(data_dir) as store:
        return [(r[0], r[1]) for r in store.conn.execute("SELECT direction, status FROM sync_runs ORDER BY id")]


def test_two_pushes_at_once_post_the_climb_once(ready: StoktStandin, data_dir: Path) -> None:
    ready.inject("slow", r"POST /api/faces/.*/climbs", times=None, delay=3.0)
    first = _mastoc(data_dir, "stokt", "push", "--all")
    _wait_for(lambda: ready.requests_to(r"POST /api/faces/"), "the first POST")
    second = _mastoc(data_dir, "stokt", "push", "--all")
    out2, err2 = second.communicate(timeout=60)
    out1, err1 = first.communicate(timeout=60)
    assert first.returncode == 0 and "pushed" in out1, err1
    assert second.returncode != 0
    assert err2.count("\n") == 1 and "another push to Stokt is running" in err2 and "Traceback" not in err2
    assert len(ready.posted) == 1
    with Store.open(data_dir) as store:
        assert [tuple(r) for r in store.conn.execute("SELECT status FROM push_intents").fetchall()] == [("done",)]
    assert main(["stokt", "push", "--all"]) == 0 and len(ready.posted) == 1


def test_killed_push_leaves_an_intent_the_next_push_settles(ready: StoktStandin, data_dir: Path,
                                                            capsys) -> None:
    ready.inject("slow", r"POST /api/faces/.*/climbs", times=1, delay=1.5)
    proc = _mastoc(data_dir, "stokt", "push", "--all")
    _wait_for(lambda: ready.requests_to(r"POST /api/faces/"), "the POST")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _wait_for(lambda: len(ready.posted) == 1, "Stokt to create the climb")  # it did, after the kill
    with Store.open(data_dir) as store:
        assert [tuple(r) for r in store.conn.execute("SELECT status FROM push_intents").fetchall()] == [("pending",)]
    assert ("push", "running") in _runs(data_dir)
    assert main(["stokt", "push", "--all"]) == 0
    out = capsys.readouterr().out
    assert "reconciled" in out and len(ready.posted) == 1
    with Store.open(data_dir) as store:
        assert [tuple(r) for r in store.conn.execute("SELECT status FROM push_intents").fetchall()] == [("done",)]
        assert store.conn.execute("SELECT count(*) FROM climbs WHERE stokt_id IS NULL").fetchone()[0] == 0
    assert ("push", "interrupted") in _runs(data_dir) and ("push", "running") not in _runs(data_dir)
    # the next full import does not bring the climb back as a second local climb
    assert main(["stokt", "import", "--gym", GYM_ID, "--full"]) == 0
    with Store.open(data_dir) as store:
        assert store.conn.execute("SELECT count(*) FROM climbs WHERE name = 'Two pushes'").fetchone()[0] == 1


def test_killed_import_is_marked_interrupted_at_the_next_start(ready: StoktStandin, data_dir: Path) -> None:
    ready.latency = 0.2
    before = len(ready.requests_to(r"page=3"))
    proc = _mastoc(data_dir, "stokt", "import", "--gym", GYM_ID, "--full")
    _wait_for(lambda: len(ready.requests_to(r"page=3")) > before, "the import to be under way")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _runs(data_dir)[-1] == ("import-full", "running")
    ready.latency = 0.0
    assert main(["stokt", "import", "--gym", GYM_ID]) == 0
    runs = _runs(data_dir)
    assert ("import-full", "interrupted") in runs and not [r for r in runs if r[1] == "running"]


def test_second_import_at_once_is_refused_in_one_line(ready: StoktStandin, data_dir: Path, capsys) -> None:
    from mastoc.store import locks

    with locks.RunLock(data_dir, "stokt-import"):
        code = main(["stokt", "import", "--gym", GYM_ID])
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "another Stokt import is running" in err
    assert _runs(data_dir)[-1] == ("import-incremental", "ok") or _runs(data_dir)[-1][1] == "ok"
