"""Benchmark of `mastoc stokt load-backup` on the real fixture (QUALITY.md P2, and P1/P3-like figures).

Prints, as medians over several runs into fresh stores:
- the whole load call and its write phase (the one transaction),
- the reference: plain `executemany` of exactly the same rows into a fresh store of the same schema,
  in one transaction, measured in the same run, and the ratio reference / write phase (P2: >= 0.25),
- a re-load of unchanged data (rows changed must be 0),
- the whole CLI command as a subprocess (start-up included).

    python benchmarks/bench_load_backup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mastoc.store.db import Store  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"
TABLES = ("gyms", "walls", "faces", "holds", "users", "climbs", "climb_holds", "id_mappings")


def plain_executemany(rows: dict[str, tuple[list[str], list[tuple]]]) -> float:
    with tempfile.TemporaryDirectory() as d, Store.open(Path(d)) as store:
        t = time.perf_counter()
        with store.transaction() as c:
            for table in TABLES:
                cols, data = rows[table]
                c.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", data)
        return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    totals, writes, plains, reloads = [], [], [], []
    rows: dict[str, tuple[list[str], list[tuple]]] = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as d:
            store = Store.open(Path(d))
            t = time.perf_counter()
            report = load_backup(store, [FIXTURES])
            totals.append(time.perf_counter() - t)
            writes.append(report.write_seconds)
            t = time.perf_counter()
            again = load_backup(store, [FIXTURES])
            reloads.append(time.perf_counter() - t)
            assert again.changed == 0, again.counts
            if not rows:
                for table in TABLES:
                    cur = store.conn.execute(f"SELECT * FROM {table}")
                    cols = [x[0] for x in cur.description]
                    rows[table] = (cols, [tuple(r) for r in cur])
            store.close()
        plains.append(plain_executemany(rows))
    n_rows = sum(len(v[1]) for v in rows.values())
    w, p = statistics.median(writes), statistics.median(plains)
    print(f"rows written per load: {n_rows:,} ({', '.join(f'{t} {len(rows[t][1])}' for t in TABLES)})")
    print(f"load_backup call (median of {args.runs}):        {statistics.median(totals) * 1000:8.1f} ms")
    print(f"  write phase (one transaction):           {w * 1000:8.1f} ms")
    print(f"reference: plain executemany, same rows:   {p * 1000:8.1f} ms")
    print(f"P2 ratio reference / write phase:          {p / w:8.2f}   (target >= 0.25)")
    print(f"re-load of unchanged data:                 {statistics.median(reloads) * 1000:8.1f} ms "
          f"({statistics.median(reloads) / statistics.median(totals):.2f}x the first load; 0 rows changed)")
    cli = []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mastoc", "--data-dir", d, "stokt", "load-backup", str(FIXTURES)],
                           check=True, capture_output=True, env=env)
            cli.append(time.perf_counter() - t)
    print(f"whole CLI command (subprocess, median):    {statistics.median(cli) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
