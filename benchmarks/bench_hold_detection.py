"""Benchmark: hold detection on the real wall photo (personal walls, issue 14).

Run: PYTHONPATH=. python benchmarks/bench_hold_detection.py [FIXTURES_DIR] [--clicks N]

Measures on `wall_full.jpg` against the 776 outlines of `face_setup.json`:
- Detect all: recovered holds (a proposal matching a reference outline at IoU >= 0.5, each proposal
  and each reference matched at most once), false proposals (proposals matching none), time.
- Click-to-outline: a click at each sampled hold's centroid; share at IoU >= 0.5, median and p95
  latency.
The reference, measured in the same run, is decoding the photo (JPEG -> RGB array), so the times
can be read as ratios on a loaded machine. Prints figures only; no pass/fail.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

from mastoc.vision import detect, outline, score
from mastoc.vision.segment import load_rgb

ROOT = Path(__file__).resolve().parents[1]


def _timed(func):  # noqa: ANN001, ANN202
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    clicks = int(argv[argv.index("--clicks") + 1]) if "--clicks" in argv else 100
    if "--clicks" in argv:
        args.remove(str(clicks))
    fixtures = Path(args[0]) if args else ROOT / ".." / "shared" / "stokt" / "fixtures"
    photo = fixtures / "wall_full.jpg"
    holds = json.loads((fixtures / "face_setup.json").read_text("utf-8"))["holds"]
    refs = [[tuple(map(float, p.split(","))) for p in h["polygonStr"].split()] for h in holds]

    load_rgb(photo)  # warm the decoder and the imports
    detect.detect_all(load_rgb(photo)[:400, :400])
    rgb, decode_s = _timed(lambda: load_rgb(photo))
    proposals, detect_s = _timed(lambda: detect.detect_all(rgb))
    result = score.match([p.polygon for p in proposals], refs)
    h, w = rgb.shape[:2]
    print(f"photo: {w}x{h}, {len(refs)} reference outlines; reference: decoding the photo {decode_s * 1000:.0f} ms")
    print(f"detect all: {len(proposals)} proposals, recovered {result.recovered}/{len(refs)} "
          f"= {result.recall:.1%} at IoU >= 0.5 (mean IoU of the matches {result.mean_iou:.2f}), "
          f"false proposals {result.false_proposals}")
    print(f"detect all time: {detect_s:.2f} s ({detect_s / decode_s:.1f}x the photo's decoding; target <= 20 s)")

    rng = random.Random(14)
    sample = rng.sample(range(len(holds)), min(clicks, len(holds)))
    latencies: list[float] = []
    good = 0
    for i in sample:
        cx, cy = map(float, holds[i]["centroidStr"].split())
        found, dt = _timed(lambda cx=cx, cy=cy: outline.outline_at(rgb, cx, cy))
        latencies.append(dt)
        if found is not None and score.iou(found.polygon, refs[i]) >= 0.5:
            good += 1
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    print(f"click-to-outline: {good}/{len(sample)} clicks at a centroid give IoU >= 0.5; latency median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
          f"(target <= 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
