"""The Stokt import brings the account's personal lists (with their items' Stokt ids, in order) and
its sends (`my-sent-climbs`) into the logbook; a re-import duplicates nothing and keeps local edits;
unreadable shapes are reported, not fatal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.backends.stokt.client import StoktClient
from mastoc.domain.ids import id_for_stokt
from mastoc.edits import lists as ops
from mastoc.store.db import Store
from mastoc.sync.stokt_import import run_import
from tests.stokt.standin import StoktStandin

CIRCUIT = "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a50"


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    s = Store.open(data_dir)
    yield s
    s.close()


def test_standin_serves_lists_and_sends(standin: StoktStandin, client: StoktClient) -> None:
    lists = client.personal_lists(standin.account["id"])
    assert [x["name"] for x in lists] == ["Winter circuit", "Projects"]
    items = client.list_items(CIRCUIT)
    assert len(items) == 5 and all(set(i) == {"id", "climb", "order"} for i in items)
    assert [c["name"] for c in client.my_sent_climbs(standin.summary["id"])] == ["Dwarfito", "Les Bacs De Ta Vie"]


def test_import_brings_lists_and_sends(store: Store, client: StoktClient, standin: StoktStandin) -> None:
    plan = run_import(store, client)
    assert plan.structure["lists"] == {"new": 2, "updated": 0, "unchanged": 0}
    assert plan.structure["list_items"]["new"] == 6
    lid = id_for_stokt("list", CIRCUIT)
    lst = ops.get_list(store, lid)
    assert (lst.name, lst.list_type, lst.stokt_id, lst.source) == ("Winter circuit", "circuit", CIRCUIT, "stokt")
    its = ops.items(store, lid)
    assert [i.climb_stokt_id for i in its] == [i["climb"]["id"] for i in standin.list_items[CIRCUIT]]
    assert [i.stokt_id for i in its] == [i["id"] for i in standin.list_items[CIRCUIT]]
    log = store.conn.execute("SELECT c.name, l.sent, l.attempts, l.source FROM climb_log l JOIN climbs c "
                             "ON c.id = l.climb_id ORDER BY c.name").fetchall()
    assert [tuple(r) for r in log] == [("Dwarfito", 1, None, "stokt"), ("Les Bacs De Ta Vie", 1, 1, "stokt")]

    # local edits survive a re-import, which adds nothing
    first = its[0].climb_id
    ops.set_status(store, lid, first, "done")
    ops.move_item(store, lid, first, 5)
    again = run_import(store, client)
    assert again.structure["lists"] == {"new": 0, "updated": 0, "unchanged": 2} and again.structure["sends"]["new"] == 0
    its2 = ops.items(store, lid)
    assert len(its2) == 5 and its2[4].climb_id == first and its2[4].status == "done"
    assert store.conn.execute("SELECT count(*) FROM climb_log").fetchone()[0] == 2

    # upstream adds an item: it comes in at the end
    extra = next(c for c in standin.climb_list() if c["id"] not in {i.climb_stokt_id for i in its2})
    standin.list_items[CIRCUIT].append({"id": "6a0d2b3c-4d5e-4f60-9b1c-777777777777", "climb": extra, "order": 9})
    run_import(store, client)
    assert ops.items(store, lid)[-1].climb_stokt_id == extra["id"]


def test_unreadable_shapes_are_reported(store: Store, client: StoktClient, standin: StoktStandin) -> None:
    standin.list_items[CIRCUIT][1] = {"id": "x", "order": 1}  # no climb
    standin.list_items[CIRCUIT][2]["climb"] = {**standin.list_items[CIRCUIT][2]["climb"],
                                               "id": "00000000-0000-4000-8000-000000000000", "name": "Vanished"}
    standin.lists["bad"] = {"name": "no id"}
    standin.lists["bad"].pop("id", None)
    plan = run_import(store, client)
    assert plan.status == "ok"
    text = "\n".join(plan.warnings)
    assert "item 2 has no climb" in text and "climb Vanished is not in this store" in text and "no id" in text
    assert len(ops.items(store, id_for_stokt("list", CIRCUIT))) == 3


def test_lists_endpoint_failing_is_a_warning(store: Store, client: StoktClient, standin: StoktStandin) -> None:
    standin.inject("status", match="users/lists", times=None, status=404)
    plan = run_import(store, client)
    assert plan.status == "ok" and any("Stokt lists could not be read" in w for w in plan.warnings)
    assert plan.counts()["new"] == 1017
