"""Fixtures for the personal-wall tests: a store with one personal wall drawn on a generated photo."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.edits import walls
from mastoc.store.db import Store
from tests.walls.photos import wall_photo

SQUARES = [[(40 + 60 * i, 40), (80 + 60 * i, 40), (80 + 60 * i, 80), (40 + 60 * i, 80)] for i in range(4)]


@dataclass
class Wall:
    store: Store
    face_id: str
    holds: list[str]  # ids, in the order of SQUARES

    def num(self, hold_id: str) -> int:
        return int(self.store.conn.execute("SELECT num FROM holds WHERE id = ?", (hold_id,)).fetchone()[0])

    def climb(self, name: str, *hold_ids: str) -> str:
        nums = [self.num(h) for h in hold_ids]
        tokens = [f"S{nums[0]}", *(f"O{n}" for n in nums[1:-1]), f"T{nums[-1]}"]
        cid = new_id()
        self.store.save_climb(Climb(id=cid, face_id=self.face_id, name=name, holds_list=" ".join(tokens),
                                    source=Source.MASTOC))
        return cid


def make_wall(store: Store) -> Wall:
    face_id = next(iter(walls.new_wall(store, wall_photo(400, 300), name="Garage").faces))
    holds = [next(iter(walls.add_hold(store, face_id, pts).holds)) for pts in SQUARES]
    return Wall(store, face_id, holds)


@pytest.fixture()
def wall(tmp_path: Path) -> Iterator[Wall]:
    store = Store.open(tmp_path / "data")
    yield make_wall(store)
    store.close()
