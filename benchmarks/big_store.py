"""Large synthetic stores for the scale benchmarks (issue 15), built directly and cached.

`real_store()` is the real gym (the 1,017 climbs of `../shared/stokt/fixtures/`, loaded from the
Stokt backup files). `big_store(n)` is a copy of it grown to `n` climbs on the real face: every
synthetic climb is one of the real climbs (its holds, grade, setter, feet rule, benchmark flag,
popularity give the real distribution) with a fresh id, a fresh name (the real name and a number) and
a date spread over ten years. Rows are written with plain `executemany`; the holds go through
`mastoc.store.rows.insert_climb_holds`, so `hold_grade_usage` stays exact. Not the Stokt import.

Stores are cached in `$MASTOC_BENCH_CACHE` (default `~/.cache/mastoc-bench`) under a name that
carries the size and the generator version, so reruns are quick; delete the directory to rebuild.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"

from mastoc.store import rows  # noqa: E402
from mastoc.store.db import Store  # noqa: E402

GENERATOR = 1  # bump when the synthetic rows change
BATCH = 20_000


def cache_dir() -> Path:
    return Path(os.environ.get("MASTOC_BENCH_CACHE") or Path.home() / ".cache" / "mastoc-bench")


def real_store() -> Path:
    """The real gym's store (cached)."""
    d = cache_dir() / f"real-g{GENERATOR}"
    if not d.exists():
        from mastoc.sync.backup import load_backup

        tmp = d.with_name(d.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        with Store.open(tmp) as st:
            load_backup(st, [FIXTURES])
        shutil.rmtree(d, ignore_errors=True)
        tmp.rename(d)
    _migrate(d)
    return d


def big_store(n: int, log=print) -> Path:
    """A store of `n` climbs on the real face (the real 1,017 included), cached."""
    d = cache_dir() / f"climbs{n}-g{GENERATOR}"
    if not d.exists():
        t0 = time.perf_counter()
        tmp = d.with_name(d.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(real_store(), tmp)
        with Store.open(tmp) as st:
            # a build, not a user's store: a big page cache (random ids hit every index) and no fsync
            st.conn.execute("PRAGMA cache_size = -1500000")
            st.conn.execute("PRAGMA synchronous = OFF")
            _grow(st, n)
            st.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp.rename(d)
        log(f"(built a {n:,}-climb store in {time.perf_counter() - t0:.1f} s: {d})")
    _migrate(d)
    return d


def _migrate(d: Path) -> None:
    with Store.open(d) as st:  # a store cached before a new migration is migrated like a user's
        # no planner statistics: the app never runs ANALYZE, so a user's store has none
        st.conn.execute("DROP TABLE IF EXISTS sqlite_stat1")


def _grow(st: Store, n: int) -> None:
    conn = st.conn
    cols = rows.CLIMB_COLUMNS
    real = conn.execute(f"SELECT {', '.join(cols)} FROM climbs").fetchall()
    have = len(real)
    at = {c: i for i, c in enumerate(cols)}
    rng = random.Random(15)
    base = datetime(2016, 1, 1, tzinfo=UTC)
    span = int(timedelta(days=3650).total_seconds())
    insert = f"INSERT INTO climbs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for start in range(have, n, BATCH):
        batch, holds = [], []
        for i in range(start, min(n, start + BATCH)):
            src = list(real[rng.randrange(have)])
            cid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            src[at["id"]] = cid
            src[at["stokt_id"]] = None
            src[at["name"]] = f"{src[at['name']]} {i:06d}"
            src[at["source"]] = "mastoc"
            created = (base + timedelta(seconds=rng.randrange(span))).isoformat()
            src[at["created_at"]] = src[at["updated_at"]] = created
            src[at["synced_at"]] = None
            src[at["climbed_by"]] = max(0, int(src[at["climbed_by"]] * rng.uniform(0.5, 1.5)))
            src[at["total_likes"]] = max(0, int(src[at["total_likes"]] * rng.uniform(0.5, 1.5)))
            src[at["personal_notes"]] = src[at["personal_rating"]] = None
            src[at["is_project"]] = 0
            batch.append(src)
            holds.extend(rows.climb_hold_rows(cid, src[at["holds_list"]], src[at["grade_ircra"]]))
        with st.transaction() as c:
            c.executemany(insert, batch)
            rows.insert_climb_holds(c, holds)
