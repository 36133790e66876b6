"""Request rate of the mastoc server on PostgreSQL with 2 uvicorn workers, on loopback.

Starts a throw-away PostgreSQL (pgserver), creates an admin with `mastoc server create-user`, runs
`mastoc serve --workers 2`, loads the real Stokt fixtures (gym, face, 776 holds, setters, 1,017
climbs) through the import endpoints, pads with synthetic climbs up to --climbs, then measures for
--seconds each:  GET /api/climbs?page_size=500 (paging through all climbs)  and  GET /api/changes
(limit 500, paging through the feed), with --concurrency client threads on keep-alive connections.
Prints requests/s, median and p95 latency, and bytes per response. Time-bounded; no asserts.

    PYTHONPATH=. python benchmarks/bench_server.py [--seconds 10] [--concurrency 4] [--climbs 5000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = (ROOT / ".." / "shared" / "stokt" / "fixtures").resolve()
API_KEY = "bench-app-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Conn:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = headers

    def call(self, method: str, path: str, body: object = None, form: dict | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.c.request(method, path, body=data, headers=headers)
        r = self.c.getresponse()
        return r.status, r.read()


def seed(port: int, password: str, n_climbs: int) -> None:
    c = Conn(port, {"X-API-Key": API_KEY})
    status, body = c.call("POST", "/api/auth/login", form={"username": "bench@example.org", "password": password})
    assert status == 200, body
    c.headers["Authorization"] = "Bearer " + json.loads(body)["access_token"]
    gym = json.loads((FIXTURES / "gym_summary.json").read_text())
    setup = json.loads((FIXTURES / "face_setup.json").read_text())
    c.call("POST", "/api/sync/import/gym", {"stokt_id": gym["id"], "display_name": gym["displayName"]})
    pic = setup["picture"]
    c.call("POST", "/api/sync/import/face", {"stokt_id": setup["id"], "gym_stokt_id": gym["id"], "picture_path": pic["name"],
                                             "picture_width": pic["width"], "picture_height": pic["height"],
                                             "feet_rules_options": setup["feetRulesOptions"]})
    holds = []
    for h in setup["holds"]:
        cx, cy = (float(v) for v in h["centroidStr"].split()) if h.get("centroidStr") else (None, None)
        holds.append({"stokt_id": h["id"], "face_stokt_id": setup["id"], "polygon_str": h["polygonStr"],
                      "centroid_x": cx, "centroid_y": cy, "area": float(h["area"]) if h.get("area") else None,
                      "path_str": h.get("pathStr"), "touch_polygon_str": h.get("touchPolygonStr"),
                      "top_polygon_str": h.get("topPolygonStr"), "center_tape_str": h.get("centerTapeStr"),
                      "right_tape_str": h.get("rightTapeStr"), "left_tape_str": h.get("leftTapeStr")})
    status, body = c.call("POST", "/api/sync/import/holds/batch", {"holds": holds})
    assert status == 200, body
    climbs, setters = [], {}
    for page in sorted(FIXTURES.glob("climbs_page_*.json")):
        for r in json.loads(page.read_text())["results"]:
            s = r.get("climbSetters") or {}
            if s.get("id"):
                setters[s["id"]] = {"stokt_id": s["id"], "full_name": s.get("fullName") or "?"}
            g = r.get("crowdGrade") or {}
            climbs.append({"stokt_id": r["id"], "face_stokt_id": setup["id"], "setter_stokt_id": s.get("id"),
                           "name": r["name"][:255], "holds_list": r["holdsList"], "grade_font": g.get("font"),
                           "grade_ircra": g.get("ircra"), "feet_rule": (r.get("feetRule") or None),
                           "is_private": bool(r.get("isPrivate")), "climbed_by": r.get("climbedBy") or 0,
                           "total_likes": r.get("totalLikes") or 0, "date_created": r.get("dateCreated")})
    c.call("POST", "/api/sync/import/users/batch", {"users": list(setters.values())})
    real = list(climbs)
    i = 0
    while len(climbs) < n_climbs:
        base = real[i % len(real)]
        climbs.append({**base, "stokt_id": str(uuid.uuid4()), "name": f"{base['name'][:240]} #{i}"})
        i += 1
    for k in range(0, len(climbs), 1000):
        status, body = c.call("POST", "/api/sync/import/climbs/batch", {"climbs": climbs[k:k + 1000]})
        assert status == 200, body


def measure(port: int, headers: dict[str, str], paths: list[str], seconds: float, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    sizes: list[int] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        conn = Conn(port, headers)
        k = offset
        mine, my_sizes = [], []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            status, body = conn.call("GET", paths[k % len(paths)])
            mine.append(time.perf_counter() - t0)
            my_sizes.append(len(body))
            if status != 200:
                with lock:
                    errors[0] += 1
            k += 1
        with lock:
            latencies.extend(mine)
            sizes.extend(my_sizes)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000, "kb": statistics.mean(sizes) / 1024,
            "errors": errors[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--climbs", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    import pgserver

    tmp = Path(tempfile.mkdtemp(prefix="mastoc-bench-"))
    pgdir = Path(tempfile.mkdtemp(prefix="mastoc-bench-pg-"))
    srv = pgserver.get_server(pgdir, cleanup_mode="stop")
    srv.psql("CREATE DATABASE bench;")
    base, _, query = srv.get_uri().partition("?")
    url = base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/bench?" + query
    env = {**os.environ, "MASTOC_SECRET_KEY": secrets.token_urlsafe(32), "MASTOC_API_KEY": API_KEY,
           "MASTOC_DATA_DIR": str(tmp), "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "warning"}
    password = secrets.token_urlsafe(12)
    subprocess.run([sys.executable, "-m", "mastoc", "server", "create-user", "--admin", "bench@example.org"],
                   input=password + "\n", text=True, env=env, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mastoc", "serve", "--port", str(port), "--workers", str(args.workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if Conn(port, {}).call("GET", "/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("server did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))
            time.sleep(0.1)
        t0 = time.perf_counter()
        seed(port, password, args.climbs)
        seeding = time.perf_counter() - t0
        c = Conn(port, {"X-API-Key": API_KEY})
        total = json.loads(c.call("GET", "/api/climbs?page_size=1")[1])["count"]
        latest = json.loads(c.call("GET", "/api/changes?limit=1")[1])["latest"]
        headers = {"X-API-Key": API_KEY}
        climb_pages = [f"/api/climbs?page_size=500&page={p}" for p in range(1, total // 500 + 2)]
        change_pages = [f"/api/changes?since={s}&limit=500" for s in range(0, latest, 500)]
        print(f"mastoc server benchmark: PostgreSQL (pgserver), {args.workers} uvicorn workers, loopback, "
              f"{args.concurrency} client threads, {args.seconds:g} s per endpoint")
        print(f"data: {total} climbs, 776 holds, {latest} change-log rows (seeded in {seeding:.1f} s)")
        for label, paths in (("GET /api/climbs?page_size=500", climb_pages), ("GET /api/changes?limit=500", change_pages)):
            measure(port, headers, paths[:2], 1.0, args.concurrency)  # warm-up
            r = measure(port, headers, paths, args.seconds, args.concurrency)
            print(f"{label:34s} {r['rps']:8.1f} req/s  ({r['rps'] * 500:9.0f} records/s)  p50 {r['p50_ms']:6.1f} ms  "
                  f"p95 {r['p95_ms']:6.1f} ms  {r['kb']:6.0f} KB/resp  {r['requests']} requests, {r['errors']} errors")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(pgdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
