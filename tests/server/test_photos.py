"""Photos every replica sees, byte for byte: two server processes with different data directories on
one PostgreSQL (images in the database), and two apps on S3-compatible storage (moto's server mode
on 127.0.0.1); the real Stokt wall photo keeps its SHA-256; private photos stay their owner's."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from mastoc.server.app import create_app
from mastoc.server.config import Settings
from tests.server.conftest import APP_KEY, SECRET, Api, fresh_pg_database

WALL = (Path(__file__).resolve().parents[2] / ".." / "shared" / "stokt" / "fixtures" / "wall_full.jpg").resolve()
PIC = "CACHE/images/walls/w/faces/f/pic.jpg"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(db_url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "MASTOC_DATA_DIR": str(data_dir), "MASTOC_SECRET_KEY": SECRET,
           "MASTOC_API_KEY": APP_KEY}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "mastoc.server.app:app_from_env",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}"


def _wait(proc: subprocess.Popen[bytes], base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(base + "/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("server process exited")
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def _promote(db_url: str, username: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(text("UPDATE users SET role='admin' WHERE username=:u"), {"u": username})
    engine.dispose()


def _exercise(one: Any, two: Any, db_url: str) -> None:
    """Upload through `one`, read through `two` (both httpx-like clients on different replicas)."""
    key = {"X-API-Key": APP_KEY}
    for name in ("ann", "bea", "boss"):
        r = one.post("/api/auth/register", json={"email": f"{name}@example.org", "username": name,
                                                 "password": "password-123", "full_name": name})
        assert r.status_code == 201, r.text
    _promote(db_url, "boss")

    def login(client: Any, name: str) -> dict[str, str]:
        r = client.post("/api/auth/login", data={"username": name, "password": "password-123"})
        return {**key, "Authorization": f"Bearer {r.json()['access_token']}"}

    ann_one, ann_two, bea_two, boss = login(one, "ann"), login(two, "ann"), login(two, "bea"), login(one, "boss")
    data = WALL.read_bytes()
    r = one.post("/api/images", files={"file": ("wall_full.jpg", data, "image/jpeg")}, headers=ann_one)
    assert r.status_code == 201, r.text
    info = r.json()
    sha = hashlib.sha256(data).hexdigest()
    assert info["sha256"] == info["original_sha256"] == sha and info["size"] == len(data)  # kept byte for byte
    got = two.get(f"/api/images/{sha}", headers=ann_two)
    assert got.status_code == 200 and got.content == data
    assert two.get(f"/api/images/{sha}", headers=bea_two).status_code == 404  # private to its uploader
    # a personal wall's photo stays private; a Stokt wall's photo is public at /static/
    wall = one.post("/api/faces", json={"name": "Garage", "picture_sha256": sha}, headers=ann_one).json()
    assert two.get(f"/static/{wall['picture_path']}").status_code == 404
    gym, face = str(uuid.uuid4()), str(uuid.uuid4())
    one.post("/api/sync/import/gym", json={"stokt_id": gym, "display_name": "G"}, headers=boss)
    one.post("/api/sync/import/face", json={"stokt_id": face, "gym_stokt_id": gym, "picture_path": PIC}, headers=boss)
    face_id = next(f["id"] for f in one.get("/api/faces", headers=key).json() if f["stokt_id"] == face)
    assert one.patch(f"/api/faces/{face_id}", json={"picture_sha256": sha}, headers=boss).status_code == 200
    public = two.get(f"/static/{PIC}")
    assert public.status_code == 200 and hashlib.sha256(public.content).hexdigest() == sha
    assert two.get(f"/api/images/{sha}", headers=bea_two).content == data


@pytest.mark.postgres
def test_two_processes_on_one_postgresql_share_photos(pg_server, pg_template, tmp_path):
    db_url = fresh_pg_database(pg_server, pg_template)
    (p1, base1), (p2, base2) = _start(db_url, tmp_path / "replica-1"), _start(db_url, tmp_path / "replica-2")
    try:
        _wait(p1, base1)
        _wait(p2, base2)
        with httpx.Client(base_url=base1, timeout=60) as one, httpx.Client(base_url=base2, timeout=60) as two:
            _exercise(one, two, db_url)
        # the bytes are in the database, not in either replica's directory
        assert not list((tmp_path / "replica-1" / "static").rglob("*.jpg"))
        assert not list((tmp_path / "replica-2" / "static").rglob("*.jpg"))
    finally:
        for p in (p1, p2):
            p.terminate()
            p.wait(timeout=30)


@pytest.fixture()
def s3(monkeypatch: pytest.MonkeyPatch) -> Any:
    from moto.server import ThreadedMotoServer

    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(k, v)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    import boto3

    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="walls")
    yield endpoint
    server.stop()


def test_two_replicas_on_s3_share_photos(db_url, tmp_path, s3):
    apps = [create_app(Settings(database_url=db_url, secret_key=SECRET, data_dir=tmp_path / f"replica-{i}",
                                api_key=APP_KEY, s3_bucket="walls", s3_endpoint_url=s3, s3_prefix="mastoc/"),
                       run_migrations=False) for i in (1, 2)]
    try:
        one, two = Api(apps[0]), Api(apps[1])
        _exercise(one.client, two.client, db_url)
        import boto3

        keys = [o["Key"] for o in boto3.client("s3", endpoint_url=s3).list_objects_v2(Bucket="walls")["Contents"]]
        assert keys == [f"mastoc/images/{hashlib.sha256(WALL.read_bytes()).hexdigest()}"]
        assert not list((tmp_path / "replica-1" / "static").rglob("*.jpg"))
    finally:
        for a in apps:
            a.state.engine.dispose()


def test_local_directory_stays_the_default_on_sqlite(tmp_path):
    s = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key=SECRET, data_dir=tmp_path / "d")
    assert s.image_store_kind == "local"
    assert s.with_(database_url="postgresql+psycopg://u@h/db").image_store_kind == "database"
    assert s.with_(s3_bucket="b").image_store_kind == "s3"
