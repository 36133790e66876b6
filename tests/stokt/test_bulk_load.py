"""A big first import is a bulk load (issue 15): the `climb_holds` index by climb is built once at
the end of the walk. The result is the same as a plain import's, every index is there afterwards,
and an index a killed bulk load left dropped is built by the next `Store.open` (or the next import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mastoc.backends.stokt.client import StoktClient
from mastoc.store import bulk, locks
from mastoc.store.db import Store
from mastoc.sync import stokt_import
from tests.stokt.test_import import all_tables

REAL_DEFER = bulk.defer_indexes
USAGE = "SELECT hold_num, grade_key, n FROM hold_grade_usage WHERE n > 0 ORDER BY 1, 2"


def _indexes(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def _import(directory: Path, client: StoktClient, monkeypatch: pytest.MonkeyPatch, bulk_min: int) -> dict:
    monkeypatch.setattr(stokt_import, "BULK_MIN_CLIMBS", bulk_min)
    deferred: list[list[str]] = []
    monkeypatch.setattr(bulk, "defer_indexes", lambda c, names: deferred.append(REAL_DEFER(c, names)) or deferred[-1])
    with Store.open(directory) as store:
        plan = stokt_import.run_import(store, client)
        assert plan.counts()["new"] == 1017
        assert "climb_holds_climb" in _indexes(store) and not bulk.has_deferred_indexes(store.conn)
        out = all_tables(store)
        out["usage"] = store.conn.execute(USAGE).fetchall()
        out["flags"] = store.conn.execute("SELECT id, hold_flags, name_search FROM climbs ORDER BY id").fetchall()
        out["deferred"] = deferred
        again = stokt_import.run_import(store, client, full=True)
        assert again.changed == 0
    return out


def test_a_bulk_load_gives_the_same_store(tmp_path: Path, client: StoktClient,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _import(tmp_path / "plain", client, monkeypatch, bulk_min=10**9)
    loaded = _import(tmp_path / "bulk", client, monkeypatch, bulk_min=1)
    assert plain.pop("deferred") == [] and loaded.pop("deferred") == [["climb_holds_climb"]]
    assert loaded == plain


def test_an_index_left_dropped_is_built_again(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store, store.transaction() as c:
        assert bulk.defer_indexes(c, ["climb_holds_climb", "sqlite_autoindex_climbs_1", "no_such_index"]) \
            == ["climb_holds_climb"]  # an automatic (constraint) index is never dropped
    # the import that dropped it still runs: left alone
    with locks.RunLock(tmp_path, bulk.BULK_LOCK), Store.open(tmp_path) as store:
        assert "climb_holds_climb" not in _indexes(store) and bulk.has_deferred_indexes(store.conn)
    with Store.open(tmp_path) as store:  # killed: the next open builds it
        assert "climb_holds_climb" in _indexes(store) and not bulk.has_deferred_indexes(store.conn)
        plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT hold_num FROM climb_holds WHERE climb_id = 'x'").fetchall()
        assert "climb_holds_climb" in str([tuple(r) for r in plan])
