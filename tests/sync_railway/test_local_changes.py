"""Local changes after a download: the rows written by a pull are their own base (nothing to send),
and every kind of later edit of one of them is found (one update, nothing else)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mastoc.store.db import Store
from mastoc.sync import railway
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


def pushes(d: Path) -> list[tuple[str, str, str]]:
    with Store.open(d) as st:
        return [(a.entity, a.kind, a.key) for a in railway.local_changes(st.conn)]


@pytest.mark.parametrize(("column", "value"), [
    (None, None), ("name", "Renamed"), ("grade_ircra", 15.50001), ("grade_ircra", None), ("tags", "crimps"),
    ("is_private", 1), ("description", "new words"), ("holds_list", "S1000000000 T1000000002"),
    ("mirror_holds_list", "S1"),
])
def test_pulled_rows_are_their_base_and_every_edit_is_found(synced: Path, column: str | None, value):
    with Store.open(synced) as st, st.transaction() as c:
        assert st.counts()["climbs"] == 301
        cid = c.execute("SELECT id FROM climbs WHERE name = 'Synthetic 7'").fetchone()[0]
        if column:
            c.execute(f"UPDATE climbs SET {column} = ? WHERE id = ?", (value, cid))
    if column is None or (column == "grade_ircra" and value == 15.50001):  # (the same grade to 4 decimals)
        assert pushes(synced) == []
    else:
        assert pushes(synced) == [("climb", "update", cid)]
