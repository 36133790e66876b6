"""Benchmark of the shared climb search (QUALITY.md P5 and P6).

Builds a store with the real face (776 holds) and N synthetic climbs (default 100,000), then times
each query many times and prints median and p95, next to the same query done the naive way —
scanning `holds_list` strings — measured in the same run. Also times the real 1,017 climbs.

    python benchmarks/bench_search.py [--climbs 100000] [--runs 40]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mastoc.domain import grades, holdslist  # noqa: E402
from mastoc.domain.ids import new_id  # noqa: E402
from mastoc.domain.models import Climb, Role, Source  # noqa: E402
from mastoc.store import search  # noqa: E402
from mastoc.store.db import Store, write_climbs  # noqa: E402
from mastoc.store.search import ClimbQuery, HoldFilter  # noqa: E402
from mastoc.sync.backup import load_backup  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "stokt" / "fixtures"


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, object]:
    fn()  # warm-up
    samples = []
    result = None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95, result


def synthesize(store: Store, face_id: str, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    real = store.conn.execute("SELECT holds_list, grade_ircra FROM climbs").fetchall()
    nums = [r[0] for r in store.conn.execute("SELECT num FROM holds WHERE face_id = ?", (face_id,))]
    weights = {h: 1 for h in nums}
    for text, _g in real:  # popular holds stay popular
        for ref in holdslist.parse(text):
            weights[ref.hold] += 3
    population, w = list(weights), list(weights.values())
    setters = [r[0] for r in store.conn.execute("SELECT id FROM users")]
    feet = ["Tous pieds"] * 8 + ["Pieds des mains"] * 2 + ["No foot"]
    base = datetime(2020, 1, 1, tzinfo=UTC)
    batch: list[Climb] = []
    for i in range(n):
        k = rng.randint(4, 14)
        chosen = list(dict.fromkeys(rng.choices(population, w, k=k + 4)))[:k]
        refs = [holdslist.HoldRef(Role.START, chosen[0]), holdslist.HoldRef(Role.TOP, chosen[-1])]
        refs += [holdslist.HoldRef(rng.choice([Role.OTHER, Role.OTHER, Role.FEET]), h) for h in chosen[1:-1]]
        g = real[rng.randrange(len(real))][1]
        batch.append(Climb(
            id=new_id(), face_id=face_id, name=f"Synthetic {i:06d} {rng.choice(['Crimp', 'Jug', 'Bloc', 'Dyno', 'Séance', 'Échauffement'])}",
            holds_list=holdslist.format(refs), setter_id=rng.choice(setters),
            grade_font=grades.label(grades.GradeSystem.FONT, g), grade_ircra=g,
            feet_rule=rng.choice(feet), is_benchmark=rng.random() < 0.02, climbed_by=rng.randint(0, 200),
            total_likes=rng.randint(0, 50), source=Source.MASTOC,
            created_at=base + timedelta(minutes=rng.randint(0, 3_000_000)),
        ))
        if len(batch) == 5000:
            with store.transaction() as c:
                write_climbs(c, batch)
            batch = []
    if batch:
        with store.transaction() as c:
            write_climbs(c, batch)
    store.conn.execute("ANALYZE")


def naive_holds_query(store: Store, face_id: str, lo: float, hi: float, holds: list[int]) -> Callable[[], list]:
    cond = " AND ".join(f"(' ' || holds_list || ' ') GLOB '* [SFOT]{h} *'" for h in holds)
    sql = (f"SELECT id FROM climbs WHERE face_id = ? AND grade_ircra >= ? AND grade_ircra < ? AND {cond} "
           "ORDER BY created_at DESC LIMIT 200")
    return lambda: store.conn.execute(sql, (face_id, lo, hi)).fetchall()


def run_suite(store: Store, face_id: str, runs: int, label: str) -> None:
    lo, hi = grades.filter_bounds(grades.GradeSystem.FONT, "6A", "7A")
    # three holds that climbs really combine: the 3 most used hand holds of a popular real climb
    text = store.conn.execute(
        "SELECT holds_list FROM climbs WHERE source = 'stokt' AND grade_ircra BETWEEN 16 AND 20 "
        "ORDER BY climbed_by DESC, id LIMIT 1").fetchone()[0]
    holds = sorted({ref.hold for ref in holdslist.parse(text)})[1:4]
    total = search.count(store.conn, ClimbQuery(face_id=face_id))
    print(f"\n== {label}: {total:,} climbs on the face; holds {holds}")
    print(f"{'query':<58} {'median ms':>10} {'p95 ms':>8} {'rows':>6}")

    def show(name: str, fn: Callable[[], object]) -> float:
        med, p95, res = timed(fn, runs)
        n = res if isinstance(res, int) else len(res)  # type: ignore[arg-type]
        print(f"{name:<58} {med:>10.3f} {p95:>8.3f} {n:>6}")
        return med

    q5 = ClimbQuery(face_id=face_id, grade_min=lo, grade_max=hi, holds_all=tuple(HoldFilter(h) for h in holds))
    p5 = show("P5 grade 6A..7A + all of 3 holds (page)", lambda: search.search(store.conn, q5))
    show("P5 same, count", lambda: search.count(store.conn, q5))
    ref = show("reference: same query scanning holds_list strings", naive_holds_query(store, face_id, lo, hi, holds))
    print(f"   -> indexed search is {ref / p5:.1f}x faster than the string scan")
    q2 = ClimbQuery(face_id=face_id, grade_min=lo, grade_max=hi, holds_all=(HoldFilter(holds[0], Role.START),),
                    holds_none=(holds[1],))
    show("grade range + hold as start + one hold excluded", lambda: search.search(store.conn, q2))
    for sort in search.SORTS:
        q = ClimbQuery(face_id=face_id, sort=sort, limit=200, offset=0)
        show(f"P6 sorted page of 200 ({sort})", lambda q=q: search.search(store.conn, q))
    q = ClimbQuery(face_id=face_id, sort="newest", limit=200, offset=total // 2)
    show("P6 page of 200 from the middle (newest)", lambda: search.search(store.conn, q))
    show("count of the whole face", lambda: search.count(store.conn, ClimbQuery(face_id=face_id)))
    qt = ClimbQuery(face_id=face_id, text="crimp", sort="name")
    new = show("text search 'crimp', sorted by name", lambda: search.search(store.conn, qt))
    page = "SELECT id FROM climbs WHERE face_id = ? AND {} LIKE ? ORDER BY name COLLATE NOCASE, id LIMIT 200"
    folded = show("  the page query alone, on `name_search` (accents ignored)",
                  lambda: store.conn.execute(page.format("name_search"), (face_id, "%crimp%")).fetchall())
    old = show("  reference: the same on `name` (accent-sensitive, before)",
               lambda: store.conn.execute(page.format("name"), (face_id, "%crimp%")).fetchall())
    print(f"   -> matching on the folded name costs {folded / old:.2f}x matching on the name "
          f"(the whole search: {new:.2f} ms)")
    for text in ("seance", "SÉANCE", "echauffement"):
        qa = ClimbQuery(face_id=face_id, text=text, sort="newest")
        show(f"text search {text!r} (accents and case ignored)", lambda qa=qa: search.search(store.conn, qa))
    hs = show("hold usage stats for heatmaps (whole face)", lambda: search.hold_stats(store.conn, face_id))
    scan = (
        "SELECT ch.hold_num, count(DISTINCT ch.climb_id), min(ch.grade_ircra), max(ch.grade_ircra) "
        "FROM climb_holds ch WHERE ch.hold_num IN (SELECT num FROM holds WHERE face_id = ?) GROUP BY ch.hold_num"
    )
    ref = show("reference: the same stats scanning climb_holds", lambda: store.conn.execute(scan, (face_id,)).fetchall())
    print(f"   -> maintained statistics are {ref / hs:.1f}x faster than the scan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--climbs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        store = Store.open(Path(d))
        load_backup(store, [FIXTURES])
        face_id = store.faces()[0].id
        run_suite(store, face_id, args.runs, "real fixture")
        t = time.perf_counter()
        synthesize(store, face_id, args.climbs)
        print(f"\n(generated {args.climbs:,} synthetic climbs in {time.perf_counter() - t:.1f} s)")
        run_suite(store, face_id, args.runs, f"real + {args.climbs:,} synthetic")
        store.close()


if __name__ == "__main__":
    main()
