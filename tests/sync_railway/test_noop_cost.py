"""A no-op Railway sync does not hash the rows that are as they were synced, and still finds every edit.

The local rows equal to their base (`sync_state.base_values`, same values and SQLite types) are
recognised in one query; only the others are hashed (`railway._unchanged`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mastoc.store.db import Store
from mastoc.sync import railway
from mastoc.sync import railway_map as rm
from tests.server.conftest import pg_server, pg_template  # noqa: F401
from tests.sync_railway.conftest import LiveServer, device, server, sync  # noqa: F401
from tests.sync_railway.seed import seed_climbs
from tests.ui_sync.test_panel_railway_sync import personal_wall_with_a_climb


@pytest.fixture()
def synced(tmp_path: Path, server: LiveServer) -> Path:  # noqa: F811
    a = device(tmp_path, "a", server)
    personal_wall_with_a_climb(a)
    assert sync(a)[1].ok
    seed_climbs(server.app.state.engine, 300)
    b = device(tmp_path, "b", server)
    assert sync(b)[1].ok
    return b


def hashed_rows(monkeypatch, d: Path) -> tuple[int, list[railway.Action]]:
    calls: list[str] = []
    real = rm.content_hash

    def counting(entity, values):  # type: ignore[no-untyped-def]
        calls.append(entity)
        return real(entity, values)

    monkeypatch.setattr(rm, "content_hash", counting)
    with Store.open(d) as st:
        pushes = railway.local_changes(st.conn)
    monkeypatch.setattr(rm, "content_hash", real)
    return calls.count("climb"), pushes


def test_unchanged_climbs_are_not_hashed(synced: Path, monkeypatch):
    with Store.open(synced) as st:
        assert st.counts()["climbs"] == 301
    n, pushes = hashed_rows(monkeypatch, synced)
    assert pushes == [] and n == 0


@pytest.mark.parametrize(("column", "value"), [
    ("name", "Renamed"), ("grade_ircra", 15.50001), ("grade_ircra", None), ("tags", "crimps"), ("is_private", 1),
    ("description", "new words"), ("holds_list", "S1000000000 T1000000002"), ("mirror_holds_list", "S1"),
])
def test_every_kind_of_edit_is_still_found(synced: Path, monkeypatch, column: str, value):
    with Store.open(synced) as st, st.transaction() as c:
        cid = c.execute("SELECT id FROM climbs WHERE name = 'Synthetic 7'").fetchone()[0]
        c.execute(f"UPDATE climbs SET {column} = ? WHERE id = ?", (value, cid))
    n, pushes = hashed_rows(monkeypatch, synced)
    if column == "grade_ircra" and value == 15.50001:  # the same grade once rounded (4 decimals): no change
        assert pushes == [] and n == 1
        return
    assert [(a.entity, a.kind, a.key) for a in pushes] == [("climb", "update", cid)]
    assert n == 1
