"""Photo download throughput by image store, same run: local disk (the reference), PostgreSQL
(`image_blobs`) and S3-compatible storage (moto's server mode on 127.0.0.1).

One PostgreSQL (pgserver) holds the metadata for all three; each store gets its own server
(uvicorn in a thread on loopback). The real 1.42 MB Stokt wall photo is uploaded once per store,
then `GET /api/images/{sha256}` is called for --seconds per store on a keep-alive connection
(--concurrency client threads). Prints requests/s, MB/s and the ratio to local disk.

    PYTHONPATH=. python benchmarks/bench_photos.py [--seconds 5] [--concurrency 2]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from mastoc.server import db
from mastoc.server.app import create_app
from mastoc.server.config import Settings

ROOT = Path(__file__).resolve().parents[1]
WALL = (ROOT / ".." / "shared" / "stokt" / "fixtures" / "wall_full.jpg").resolve()
KEY = "bench-app-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app) -> tuple[uvicorn.Server, str]:  # type: ignore[no-untyped-def]
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def measure(base: str, headers: dict[str, str], path: str, seconds: float, concurrency: int) -> tuple[float, float]:
    counts, sizes = [0] * concurrency, [0] * concurrency
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
            while time.perf_counter() < stop:
                r = c.get(path)
                assert r.status_code == 200
                counts[i] += 1
                sizes[i] += len(r.content)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return sum(counts) / elapsed, sum(sizes) / elapsed / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--concurrency", type=int, default=2)
    args = ap.parse_args()
    import logging

    import boto3
    import pgserver
    from moto.server import ThreadedMotoServer

    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[k] = "bench"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    tmp = Path(tempfile.mkdtemp(prefix="mastoc-bench-photos-"))
    srv = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
    s3_port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    moto.start()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    servers = []
    try:
        endpoint = f"http://127.0.0.1:{s3_port}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="walls")
        base, _, query = srv.get_uri().partition("?")
        url = base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/postgres?{query}"
        engine = db.make_engine(url)
        db.migrate(engine)
        data = WALL.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        results: dict[str, tuple[float, float]] = {}
        targets: dict[str, tuple[str, dict[str, str]]] = {}
        for kind in ("local", "database", "s3"):
            settings = Settings(database_url=url, secret_key="bench-secret-0123456789", data_dir=tmp / kind,
                                api_key=KEY, image_store=kind, s3_bucket="walls", s3_endpoint_url=endpoint)
            app = create_app(settings, run_migrations=False)
            server, base_url = serve(app)
            servers.append(server)
            with httpx.Client(base_url=base_url, timeout=60) as c:
                name = "bench"  # one account: its upload is private to it
                c.post("/api/auth/register", json={"email": f"{name}@example.org", "username": name,
                                                   "password": "bench-password", "full_name": name})
                token = c.post("/api/auth/login", data={"username": name, "password": "bench-password"}).json()["access_token"]
                headers = {"X-API-Key": KEY, "Authorization": f"Bearer {token}"}
                r = c.post("/api/images", content=data, headers={**headers, "Content-Type": "image/jpeg"})
                assert r.status_code == 201 and r.json()["sha256"] == sha, r.text
            targets[kind] = (base_url, headers)
        # local first and last, so that a drift of the machine's load shows
        for label, kind in (("local", "local"), ("database", "database"), ("s3", "s3"), ("local again", "local")):
            results[label] = measure(*targets[kind], f"/api/images/{sha}", args.seconds, args.concurrency)
        ref = results["local"][0]
        print(f"GET /api/images/<sha> of the {len(data) / 1e6:.2f} MB wall photo, {args.concurrency} client threads, "
              f"{args.seconds:.0f} s each")
        for kind, (rps, mbs) in results.items():
            print(f"  {kind:11s} {rps:8.1f} req/s  {mbs:8.1f} MB/s  ({rps / ref:.2f}x local disk)")
        engine.dispose()
    finally:
        for s in servers:
            s.should_exit = True
        moto.stop()
        srv.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
