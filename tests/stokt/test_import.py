"""Import from the stand-in into a fresh store: preview, first import, re-import, upstream changes,
and the network/data faults of QUALITY.md (N1-N6, N8, N11, N12)."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.backends.errors import AuthError, ProtocolError
from mastoc.backends.stokt.client import StoktClient
from mastoc.domain.ids import new_id
from mastoc.store import rows
from mastoc.store.db import Store
from mastoc.sync.stokt_import import run_import
from tests.stokt.conftest import FAST
from tests.stokt.standin import FACE_ID, StoktStandin


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    s = Store.open(data_dir)
    yield s
    s.close()


def climbs_dump(store: Store) -> list[tuple]:
    cols = "id, stokt_id, face_id, setter_id, name, holds_list, grade_font, grade_ircra, feet_rule, tags, " \
           "circuit, is_private, is_benchmark, climbed_by, total_likes, created_at, remote_deleted_at"
    return [tuple(r) for r in store.conn.execute(f"SELECT {cols} FROM climbs ORDER BY id")]


def all_tables(store: Store) -> dict[str, list[tuple]]:
    out = {}
    for t in ("gyms", "walls", "faces", "holds", "users", "climb_holds", "id_mappings"):
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({t})") if r[1] not in ("synced_at", "id")]
        out[t] = sorted(tuple(r) for r in store.conn.execute(f"SELECT {', '.join(cols)} FROM {t}"))
    out["climbs"] = climbs_dump(store)
    return out


def test_preview_writes_nothing(store: Store, client: StoktClient):
    before = store.counts()
    plan = run_import(store, client, preview=True)
    assert plan.counts()["new"] == 1017
    assert plan.structure["holds"]["new"] == 776 and plan.structure["users"]["new"] == 79
    assert plan.photos == [{"face": FACE_ID, "status": "to download"}]
    assert store.counts() == before
    assert store.conn.execute("SELECT count(*) FROM sync_runs").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM sync_cursors").fetchone()[0] == 0
    assert not (store.directory / "images").exists() or not any((store.directory / "images").iterdir())
    json.dumps(plan.as_dict())  # a JSON-printable value


def test_first_import_then_reimport_changes_nothing(store: Store, client: StoktClient, fixtures_dir: Path,
                                                   standin: StoktStandin):
    plan = run_import(store, client)
    assert plan.status == "ok" and plan.mode == "full" and plan.pages == 11
    counts = store.counts()
    assert counts["climbs"] == 1017 and counts["holds"] == 776 and counts["users"] == 79
    assert counts["faces"] == 1 and counts["gyms"] == 1 and counts["walls"] == 1
    face = store.face(FACE_ID)
    assert face is not None and face.picture_sha256
    photo = store.image_path(face.picture_sha256)
    assert photo is not None and photo.read_bytes() == (fixtures_dir / "wall_full.jpg").read_bytes()
    assert store.conn.execute("SELECT count(*) FROM id_mappings WHERE entity_type = 'climb'").fetchone()[0] == 1017
    assert store.conn.execute("SELECT count(*) FROM sync_state").fetchone()[0] == 1017
    assert not plan.problems
    snapshot = all_tables(store)
    again = run_import(store, client)
    assert again.mode == "incremental" and again.pages == 1 and again.changed == 0
    full = run_import(store, client, full=True)
    assert full.pages == 11 and full.changed == 0 and full.counts()["unchanged"] == 1017
    assert all_tables(store) == snapshot  # every UUID and value kept
    runs = [tuple(r) for r in store.conn.execute("SELECT direction, status FROM sync_runs ORDER BY id")]
    assert runs == [("import-full", "ok"), ("import-incremental", "ok"), ("import-full", "ok")]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _annotate(store: Store, climb_id: str) -> tuple[str, str]:
    """Attach a hold annotation and a list item to a climb; returns their ids."""
    hold_id = store.conn.execute("SELECT id FROM holds LIMIT 1").fetchone()[0]
    ann, lst, item = new_id(), new_id(), new_id()
    with store.transaction() as c:
        c.execute("INSERT INTO hold_annotations (id, hold_id, notes, created_at) VALUES (?, ?, 'crimp', ?)",
                  (ann, hold_id, rows.now_ts()))
        c.execute("INSERT INTO climb_lists (id, name) VALUES (?, 'projects')", (lst,))
        c.execute("INSERT INTO list_items (id, list_id, climb_id) VALUES (?, ?, ?)", (item, lst, climb_id))
        c.execute("UPDATE climbs SET personal_notes = 'my beta' WHERE id = ?", (climb_id,))
    return ann, item


def test_upstream_edit_delete_and_new_are_applied_as_planned(store: Store, client: StoktClient,
                                                            standin: StoktStandin):
    run_import(store, client)
    old = copy.deepcopy(standin.climb_list())
    edited, deleted = old[500], old[800]  # old climbs: only a full pass sees them
    local_deleted = store.climb(deleted["id"])
    assert local_deleted is not None
    ann, item = _annotate(store, local_deleted.id)
    ids_before = dict(store.conn.execute("SELECT stokt_id, id FROM climbs").fetchall())
    standin.edit_climb(edited["id"], name="Renamed upstream", climbedBy=99)
    standin.delete_climb(deleted["id"])
    added = standin.add_climb(name="Brand new")

    inc = run_import(store, client)  # incremental: the new one only
    assert inc.mode == "incremental"
    assert [a.stokt_id for a in inc.actions if a.kind == "new"] == [added["id"]]
    assert store.climb(edited["id"]).name == edited["name"]

    preview = run_import(store, client, full=True, preview=True)
    by_kind = {k: [a.stokt_id for a in preview.actions if a.kind == k] for k in ("updated", "deleted_upstream", "new")}
    assert by_kind == {"updated": [edited["id"]], "deleted_upstream": [deleted["id"]], "new": []}
    assert next(a for a in preview.actions if a.kind == "updated").fields == ["name", "climbed_by"]

    full = run_import(store, client, full=True)
    assert {k: [a.stokt_id for a in full.actions if a.kind == k] for k in by_kind} == by_kind
    assert store.climb(edited["id"]).name == "Renamed upstream"
    assert store.climb(edited["id"]).climbed_by == 99
    gone = store.conn.execute("SELECT remote_deleted_at, personal_notes FROM climbs WHERE id = ?",
                              (local_deleted.id,)).fetchone()
    assert gone[0] is not None and gone[1] == "my beta"  # flagged, local data kept
    assert store.conn.execute("SELECT count(*) FROM tombstones WHERE entity_id = ?", (local_deleted.id,)).fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM hold_annotations WHERE id = ?", (ann,)).fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM list_items WHERE id = ?", (item,)).fetchone()[0] == 1
    ids_after = dict(store.conn.execute("SELECT stokt_id, id FROM climbs").fetchall())
    assert all(ids_after[k] == v for k, v in ids_before.items())  # no UUID changed
    # applying again is a no-op; the deletion stays flagged once
    again = run_import(store, client, full=True)
    assert again.changed == 0
    # the climb comes back upstream: restored, flag cleared
    standin.climbs[deleted["id"]] = deleted
    back = run_import(store, client, full=True)
    assert [a.stokt_id for a in back.actions if a.kind == "restored"] == [deleted["id"]]
    assert store.climb(deleted["id"]) is not None
    assert store.conn.execute("SELECT remote_deleted_at FROM climbs WHERE id = ?", (local_deleted.id,)).fetchone()[0] is None


def test_conflict_is_reported_not_overwritten(store: Store, client: StoktClient, standin: StoktStandin):
    run_import(store, client)
    target = copy.deepcopy(standin.climb_list()[3])
    local = store.climb(target["id"])
    with store.transaction() as c:
        c.execute("UPDATE climbs SET name = 'My local name' WHERE id = ?", (local.id,))
    standin.edit_climb(target["id"], name="Their name")
    plan = run_import(store, client)
    assert [a.stokt_id for a in plan.conflicts] == [target["id"]]
    assert store.climb(local.id).name == "My local name"
    # field by field (issue 9 §5): the base is the version of the last import, kept in sync_state
    assert plan.conflicts[0].compare == [("name", target["name"], "My local name", "Their name")]
    assert store.conn.execute("SELECT status FROM sync_runs ORDER BY id DESC").fetchone()[0] == "conflicts"
    # an upstream counter change alone does not touch the local edit
    standin.edit_climb(target["id"], name=target["name"], totalLikes=42)
    kept = run_import(store, client)
    assert not kept.conflicts and store.climb(local.id).name == "My local name"
    assert store.climb(local.id).total_likes == 42
    standin.edit_climb(target["id"], name="Their name")
    resolved = run_import(store, client, resolve="theirs")
    assert not resolved.conflicts and store.climb(local.id).name == "Their name"
    saved = store.conn.execute("SELECT local_version FROM sync_conflicts").fetchone()[0]
    assert json.loads(saved)["name"] == "My local name"  # the losing version stays retrievable


def test_n1_retry_after_is_honoured(store: Store, standin: StoktStandin):
    waits: list[tuple[float, str]] = []
    client = StoktClient(standin.url, standin.token, config=FAST, on_wait=lambda s, r: waits.append((s, r)))
    standin.inject("status", r"climbs\?max_age=9999&page=3", times=1, status=429, headers={"Retry-After": "1"})
    plan = run_import(store, client)
    assert plan.status == "ok" and store.counts()["climbs"] == 1017
    assert (1.0, "rate limited (429); retrying in 1 s") in waits


def test_n2_random_failures_give_the_clean_result(fixtures_dir: Path, tmp_path: Path, standin: StoktStandin):
    clean_store = Store.open(tmp_path / "clean")
    run_import(clean_store, StoktClient(standin.url, standin.token, config=FAST))
    with StoktStandin(fixtures_dir) as faulty:
        faulty.random_failures(0.2, kinds=("500", "502", "reset", "slow"), seed=7, slow_delay=2.5)
        cfg = dataclasses.replace(FAST, read_timeout=1.0, max_retries=8)
        client = StoktClient(faulty.url, faulty.token, config=cfg)
        store = Store.open(tmp_path / "faulty")
        plan = run_import(store, client)
        assert plan.status == "ok"
        failed = len(faulty.log) - len({e["line"] for e in faulty.log})
        assert failed > 3  # faults really happened
    assert climbs_dump(store) == climbs_dump(clean_store)
    assert store.counts() == clean_store.counts()


def test_n3_truncated_page_once_is_refetched(store: Store, client: StoktClient, standin: StoktStandin):
    standin.inject("truncate", r"page=4", times=1)
    plan = run_import(store, client)
    assert plan.status == "ok" and store.counts()["climbs"] == 1017


def test_n3_broken_page_commits_nothing_of_it(store: Store, client: StoktClient, standin: StoktStandin):
    standin.inject("truncate", r"page=4", times=None)
    with pytest.raises(ProtocolError):
        run_import(store, client)
    page4 = {c["id"] for c in standin.climb_list()[300:400]}
    stored = {r[0] for r in store.conn.execute("SELECT stokt_id FROM climbs")}
    assert len(stored) == 300 and not (stored & page4)
    assert store.conn.execute("SELECT status FROM sync_runs").fetchone()[0] == "failed"
    standin.clear_faults()
    plan = run_import(store, client)
    assert plan.resumed and store.counts()["climbs"] == 1017


def test_n3_malformed_item_is_reported_not_fatal(store: Store, client: StoktClient, standin: StoktStandin):
    standin.inject("malformed_item", r"page=2", times=1)
    plan = run_import(store, client)
    assert plan.status == "ok" and plan.counts()["malformed"] == 1
    assert store.counts()["climbs"] == 1016
    broken = standin.climb_list()[150]["id"]
    assert broken in plan.problems[0]
    assert plan.counts()["deleted_upstream"] == 0
    run_import(store, client, full=True)
    assert store.counts()["climbs"] == 1017


def test_n4_climbs_added_while_paging(store: Store, client: StoktClient, standin: StoktStandin):
    added: list[str] = []

    def add_three(s: StoktStandin) -> None:
        if not added:
            added.extend(s.add_climb(name=f"Added while paging {i}")["id"] for i in range(3))

    original = {c["id"] for c in standin.climb_list()}
    standin.hooks.append((r"page=5", add_three))
    run_import(store, client)
    standin.hooks.clear()
    stored = {r[0] for r in store.conn.execute("SELECT stokt_id FROM climbs")}
    assert original <= stored  # the shift caused no miss, even with pages fetched in parallel
    dupes = store.conn.execute("SELECT count(*) - count(DISTINCT stokt_id) FROM climbs").fetchone()[0]
    assert dupes == 0
    run_import(store, client)  # incremental picks up what the shift hid
    stored = {r[0] for r in store.conn.execute("SELECT stokt_id FROM climbs")}
    assert stored == {c["id"] for c in standin.climb_list()} and len(stored) == 1020


def test_n6_401_midway_keeps_pages_and_resumes(store: Store, client: StoktClient, standin: StoktStandin):
    standin.auth_fail_from_page = 5
    with pytest.raises(AuthError):
        run_import(store, client)
    assert store.counts()["climbs"] == 400
    standin.auth_fail_from_page = None
    standin.log.clear()
    plan = run_import(store, client)
    assert plan.resumed and plan.status == "ok" and store.counts()["climbs"] == 1017
    pages = [e["query"].get("page", "1") for e in standin.requests_to(r"/climbs")]
    assert sorted(pages, key=int) == [str(p) for p in range(5, 12)]  # finished pages were not fetched again
    assert plan.counts()["deleted_upstream"] == 0


@pytest.mark.parametrize("shift_days", [-2, 2])
def test_n8_local_clock_does_not_matter(store: Store, client: StoktClient, standin: StoktStandin,
                                        monkeypatch: pytest.MonkeyPatch, shift_days: int):
    from datetime import UTC, datetime, timedelta

    run_import(store, client)
    wrong = datetime.now(UTC) + timedelta(days=shift_days)
    monkeypatch.setattr(rows, "now_ts", lambda: wrong.isoformat())
    # climbs created upstream "before" the (wrong) local time of the last sync
    new = [standin.add_climb(name=f"late {i}", created=standin.now - timedelta(days=3, minutes=i)) for i in range(2)]
    plan = run_import(store, client)
    assert plan.mode == "incremental"
    assert {a.stokt_id for a in plan.actions if a.kind == "new"} == {c["id"] for c in new}


def test_n11_bad_photo_download_keeps_the_cached_image(store: Store, client: StoktClient, standin: StoktStandin,
                                                       fixtures_dir: Path):
    run_import(store, client)
    face = store.face(FACE_ID)
    good = store.image_path(face.picture_sha256).read_bytes()
    name = next(n for n in standin.media if "ref_pic_qMsRutJ/" in n)
    setup = standin.setups[FACE_ID]
    # a new photo upstream, whose download is always truncated
    setup["picture"]["name"] = name.replace("07a8d28c", "17a8d28c")
    standin.media[setup["picture"]["name"]] = good
    standin.inject("short_body", r"/media/", times=None)
    plan = run_import(store, client)
    assert any(p["status"] == "failed" for p in plan.photos)
    assert store.face(FACE_ID).picture_sha256 == face.picture_sha256
    assert store.image_path(face.picture_sha256).read_bytes() == good
    # corrupt bytes of the right length
    standin.clear_faults()
    standin.media[setup["picture"]["name"]] = b"\xff\xd8\xff" + os.urandom(2000)
    plan = run_import(store, client)
    assert any(p["status"] == "failed" for p in plan.photos)
    assert store.face(FACE_ID).picture_sha256 == face.picture_sha256
    assert [p.name for p in (store.directory / "images").iterdir()] == [f"{face.picture_sha256}.jpg"]


@pytest.mark.parametrize("hostile", ["../../../escape.jpg", "/etc/passwd", "media/../../x.jpg",
                                     "http://evil.example/x.jpg"])
def test_n12_hostile_media_names_write_nothing_outside(store: Store, client: StoktClient, standin: StoktStandin,
                                                       tmp_path: Path, hostile: str):
    standin.setups[FACE_ID]["picture"]["name"] = hostile
    standin.media[hostile] = (Path(standin.fixtures_dir) / "wall_full.jpg").read_bytes()
    before = {p for p in tmp_path.rglob("*")}
    plan = run_import(store, client)
    assert store.counts()["climbs"] == 1017
    assert store.face(FACE_ID).picture_sha256 is None
    assert any("photo" in p for p in plan.problems)
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(store.directory in p.parents or p == store.directory for p in created)
    # at most a request inside the stand-in's media/ (a leading "/" is Stokt's prefix, not a root)
    assert all(e["path"].startswith("/media/") and ".." not in e["path"] and "//" not in e["path"]
               for e in standin.requests_to(r"/media/"))


def test_cancel_between_pages_leaves_a_consistent_store(store: Store, client: StoktClient):
    calls = []
    plan = run_import(store, client, progress=lambda d, t, m: calls.append(d), cancelled=lambda: len(calls) >= 3)
    assert plan.status == "cancelled" and store.counts()["climbs"] == 300
    assert calls[:3] == [1, 2, 3]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    resumed = run_import(store, client)
    assert resumed.resumed and store.counts()["climbs"] == 1017


def test_progress_reports_pages_done_and_total(store: Store, client: StoktClient):
    seen: list[tuple[int, int | None]] = []
    run_import(store, client, progress=lambda d, t, m: seen.append((d, t)))
    assert seen == [(i, 11) for i in range(1, 12)]


def test_empty_upstream_never_flags_everything(store: Store, client: StoktClient, standin: StoktStandin):
    run_import(store, client)
    standin.climbs.clear()
    plan = run_import(store, client, full=True)
    assert plan.counts()["deleted_upstream"] == 0 and plan.warnings
    assert store.conn.execute("SELECT count(*) FROM climbs WHERE remote_deleted_at IS NOT NULL").fetchone()[0] == 0


def test_automatic_full_when_the_last_one_is_old(store: Store, client: StoktClient):
    from datetime import timedelta

    run_import(store, client)
    assert run_import(store, client).mode == "incremental"
    assert run_import(store, client, full_every=timedelta(seconds=0)).mode == "full"


def test_preview_plan_is_applied_exactly_and_twice_is_a_noop(store: Store, client: StoktClient, tmp_path: Path):
    from mastoc.sync.stokt_import import apply_plan

    direct = Store.open(tmp_path / "direct")
    run_import(direct, client)
    preview = run_import(store, client, preview=True)
    assert store.counts()["climbs"] == 0
    done = apply_plan(store, client, preview)
    assert done.status == "ok" and done.counts()["new"] == 1017
    assert all_tables(store) == all_tables(direct)
    again = apply_plan(store, client, preview)
    assert again.changed == 0 and all_tables(store) == all_tables(direct)
    # and the next import is incremental, with nothing to do
    assert run_import(store, client).changed == 0


def test_stale_preview_plan_is_refused(store: Store, client: StoktClient, standin: StoktStandin):
    from mastoc.sync.stokt_import import StalePlanError, apply_plan

    run_import(store, client)
    target = copy.deepcopy(standin.climb_list()[2])
    standin.edit_climb(target["id"], name="Upstream rename")
    preview = run_import(store, client, preview=True)
    assert [a.stokt_id for a in preview.actions if a.kind == "updated"] == [target["id"]]
    with store.transaction() as c:  # a local edit after the preview
        c.execute("UPDATE climbs SET name = 'Local rename' WHERE stokt_id = ?", (target["id"],))
    before = climbs_dump(store)
    with pytest.raises(StalePlanError):
        apply_plan(store, client, preview)
    assert climbs_dump(store) == before
