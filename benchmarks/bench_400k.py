"""Issue 15, 400k climbs: start-up, filters, hold search, list scrolling, heatmaps, memory.

Every figure is printed beside the same measure on the real gym (1,017 climbs) taken in the same run.
The big stores are built directly and cached (`big_store.py`); the first run builds them (minutes).

    python benchmarks/bench_400k.py [--climbs 400000] [--runs 60] [--starts 5] [--skip-ui]

- start: process start -> first painted wall (as QUALITY.md P10: the shipped `app.run`, a fresh
  offscreen process, warm caches) with the big store, reference the real store;
- filters: random grade ranges, setter and name text searches, "contains all of these 3 holds",
  sort orders (first page of 200, and the count), median and p95;
- hold search: 1, 2 and 3 holds clicked (with roles), and a hold excluded;
- list pages: a page of 200 at the top, the middle and the end of the list, in every sort, as the
  list model fetches them while scrolling (the next page after the last row it holds);
- heatmap statistics over the whole face (the incremental `hold_grade_usage`), at 100k and 400k,
  and restricted to a filter;
- the app process (offscreen): peak RSS after start, filters, a hold search, scrolling 50 pages and
  the heatmap; the time from a filter change to its first page listed; from scrolling to the
  next page shown.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import big_store  # noqa: E402
from paint_timing import start_to_paint_ms  # noqa: E402

from mastoc.domain import grades, holdslist  # noqa: E402
from mastoc.domain.models import Role  # noqa: E402
from mastoc.store import search  # noqa: E402
from mastoc.store.db import Store  # noqa: E402
from mastoc.store.search import ClimbQuery, HoldFilter  # noqa: E402
from mastoc.ui import data  # noqa: E402


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    r = fn()
    return (time.perf_counter() - t) * 1000, r


def fmt(v: list[float]) -> str:
    return f"{statistics.median(v):8.2f} {pct(v, 95):8.2f}"


# --- random filters ----------------------------------------------------------------------------

def filters(conn, face_id: str, rng: random.Random, runs: int) -> dict[str, list[ClimbQuery]]:
    """`runs` random queries of each kind (the same seed gives the same queries on every store)."""
    real = conn.execute("SELECT name, holds_list FROM climbs WHERE source = 'stokt' ORDER BY id").fetchall()
    names = [r[0] for r in conn.execute("SELECT full_name FROM users ORDER BY id")]
    labels = grades.labels(grades.GradeSystem.FONT)
    out: dict[str, list[ClimbQuery]] = {k: [] for k in (
        "grade range", "setter text", "name text", "grade + all of 3 holds", "sort order",
        "hold search: 1 hold", "hold search: 2 holds (start + any)", "hold search: 3 holds", "hold search: 1 + 1 excluded")}

    def band() -> tuple[float | None, float | None]:
        i = rng.randrange(2, len(labels) - 6)
        j = i + rng.randint(1, 5)
        return grades.filter_bounds(grades.GradeSystem.FONT, labels[i], labels[j])

    def sub(text: str) -> str:
        text = text.strip() or "a"
        k = min(len(text), rng.randint(3, 5))
        s = rng.randrange(0, len(text) - k + 1)
        return text[s:s + k]

    def climb_holds() -> list[int]:
        refs = holdslist.parse(rng.choice(real)[1])
        return [r.hold for r in refs]

    for _ in range(runs):
        sort, rev = rng.choice(search.SORTS), rng.random() < 0.2
        lo, hi = band()
        out["grade range"].append(ClimbQuery(face_id=face_id, grade_min=lo, grade_max=hi, sort=sort, reverse=rev))
        out["setter text"].append(ClimbQuery(face_id=face_id, setter=sub(rng.choice(names)), sort=sort))
        out["name text"].append(ClimbQuery(face_id=face_id, text=sub(rng.choice(real)[0]), sort=sort))
        hs = climb_holds()
        three = tuple(HoldFilter(h) for h in rng.sample(hs, min(3, len(hs))))
        out["grade + all of 3 holds"].append(ClimbQuery(face_id=face_id, grade_min=lo, grade_max=hi, holds_all=three))
        out["sort order"].append(ClimbQuery(face_id=face_id, sort=sort, reverse=rng.random() < 0.5))
        refs = holdslist.parse(rng.choice(real)[1])
        out["hold search: 1 hold"].append(ClimbQuery(face_id=face_id, holds_all=(HoldFilter(rng.choice(refs).hold),)))
        start = next((r.hold for r in refs if r.role is Role.START), refs[0].hold)
        other = rng.choice(refs).hold
        out["hold search: 2 holds (start + any)"].append(ClimbQuery(
            face_id=face_id, holds_all=(HoldFilter(start, Role.START), HoldFilter(other))))
        out["hold search: 3 holds"].append(ClimbQuery(face_id=face_id, holds_all=three))
        out["hold search: 1 + 1 excluded"].append(ClimbQuery(
            face_id=face_id, holds_all=(HoldFilter(refs[0].hold),), holds_none=(rng.choice(hs),)))
    return out


def bench_filters(stores: dict[str, Path], runs: int) -> None:
    print("\n== filters and hold search: first page of 200 (search.search) / the count as the app asks for it "
          "(ui.data.counts), ms (median p95)")
    heads = "".join(f" | {label:^26}" for label in stores)
    print(f"{'query':<36}{heads}")
    print(f"{'':<36}" + " | page med  p95 count med p95" * len(stores))
    results: dict[str, dict[str, tuple[list[float], list[float]]]] = {}
    for label, d in stores.items():
        with Store.open(d, migrate=False) as st:
            face = st.faces()[0].id
            qs = filters(st.conn, face, random.Random(4), runs)
            for kind, queries in qs.items():
                search.search(st.conn, queries[0])  # warm-up
                pages = [timed(lambda q=q: search.search(st.conn, q))[0] for q in queries]
                data.counts(d, queries[0])  # the app's count: cached face totals, grade and setter counts
                counts = [timed(lambda q=q, d=d: data.counts(d, q))[0] for q in queries]
                results.setdefault(kind, {})[label] = (pages, counts)
    for kind, per in results.items():
        line = "".join(f" | {fmt(p)} {fmt(c)}" for p, c in per.values())
        print(f"{kind:<36}{line}")


def bench_pages(stores: dict[str, Path], runs: int) -> None:
    print("\n== list pages of 200 while scrolling (ms, median of the sorts' pages): "
          "by OFFSET as before / the model's next page (keyset after the row it holds)")
    for label, d in stores.items():
        with Store.open(d, migrate=False) as st:
            face = st.faces()[0].id
            total = search.count(st.conn, ClimbQuery(face_id=face))
            for where, offset in (("top", 0), ("middle", total // 2), ("end", max(0, total - 200))):
                by_offset, by_key = [], []
                for sort in search.SORTS:
                    for rev in (False, True):
                        q = ClimbQuery(face_id=face, sort=sort, reverse=rev, limit=200, offset=offset)
                        by_offset.append(statistics.median(
                            timed(lambda q=q: search.search(st.conn, q))[0] for _ in range(max(3, runs // 20))))
                        after = _key_before(st.conn, q)
                        if after is not None:
                            qk = ClimbQuery(face_id=face, sort=sort, reverse=rev, limit=200, after=after)
                            by_key.append(statistics.median(
                                timed(lambda qk=qk: search.search(st.conn, qk))[0] for _ in range(max(3, runs // 20))))
                keyed = f"{statistics.median(by_key):8.2f}" if by_key else "     n/a"
                print(f"  {label:<16} {where:<7} (row {offset:>7,}): by offset {statistics.median(by_offset):8.2f}"
                      f" (max {max(by_offset):7.2f})   next page {keyed}"
                      + (f" (max {max(by_key):6.2f})" if by_key else ""))


def _key_before(conn, q: ClimbQuery):
    """The sort key of the row just before `q`'s page (what the model holds when it asks for it)."""
    if not hasattr(search, "sort_key") or q.offset == 0:
        return None
    prev = search.search(conn, ClimbQuery(face_id=q.face_id, sort=q.sort, reverse=q.reverse, limit=1,
                                          offset=q.offset - 1))
    return search.sort_key(prev[0], q.sort) if prev else None


def bench_heat(stores: dict[str, Path], runs: int) -> None:
    print("\n== heatmap statistics (ms, median p95)")
    for label, d in stores.items():
        with Store.open(d, migrate=False) as st:
            face = st.faces()[0].id
            lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "6C")
            rq = ClimbQuery(grade_min=lo, grade_max=hi)
            whole = [timed(lambda f=face: search.hold_stats(st.conn, f))[0] for _ in range(runs)]
            restricted = [timed(lambda f=face, rq=rq: search.hold_stats(st.conn, f, rq))[0] for _ in range(max(3, runs // 10))]
            print(f"  {label:<16} whole face {fmt(whole)}   restricted to 6A..6C {fmt(restricted)}")


# --- the app process -----------------------------------------------------------------------------

def start_times(directory: Path, runs: int) -> list[float]:
    return start_to_paint_ms(directory, runs)


def app_figures(directory: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_400k_app.py"), str(directory)], env=env,
                       capture_output=True, text=True, timeout=900)
    line = next((x for x in r.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        raise RuntimeError(r.stdout + r.stderr)
    return json.loads(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--climbs", type=int, default=400_000)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--skip-ui", action="store_true", help="only the store-level figures")
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} on {os.cpu_count()} cores")
    real = big_store.real_store()
    big = big_store.big_store(args.climbs)
    stores = {"real 1,017": real, f"{args.climbs // 1000}k": big}
    heat_stores = dict(stores)
    if args.climbs != 100_000:
        heat_stores = {"real 1,017": real, "100k": big_store.big_store(100_000), f"{args.climbs // 1000}k": big}
    bench_filters(stores, args.runs)
    bench_pages(stores, args.runs)
    bench_heat(heat_stores, args.runs)
    if not args.skip_ui:
        print("\n== the app process (offscreen)")
        for label, d in stores.items():
            t = start_times(d, args.starts)
            print(f"  {label:<16} start -> first painted wall: median {statistics.median(t):7.0f} ms, max {max(t):7.0f} ms "
                  f"(n={len(t)})")
        for label, d in stores.items():
            f = app_figures(d)
            print(f"  {label:<16} peak RSS {f['peak_rss_mb']:6.0f} MB (after start {f['start_rss_mb']:.0f} MB); "
                  f"filter change -> first page listed: median {f['filter_med']:.1f} ms, max {f['filter_max']:.1f} ms; "
                  f"scroll -> next page shown: median {f['scroll_med']:.1f} ms, max {f['scroll_max']:.1f} ms "
                  f"({f['rows']:,} rows listed); longest event-loop stall {f['stall_ms']:.1f} ms")
    print(f"\nload after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
