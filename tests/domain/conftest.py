"""Fixtures for the domain tests: real climbs and holds read from the Stokt fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mastoc.domain.models import Hold


@pytest.fixture(scope="session")
def real_climbs(fixtures_dir: Path) -> list[dict[str, Any]]:
    """The 1,017 climbs of the 11 pages, as Stokt JSON objects."""
    climbs: list[dict[str, Any]] = []
    for page in range(1, 12):
        climbs.extend(json.loads((fixtures_dir / f"climbs_page_{page}.json").read_text("utf-8"))["results"])
    return climbs


@pytest.fixture(scope="session")
def sent_climbs(fixtures_dir: Path) -> list[dict[str, Any]]:
    """The 2 climbs of my_sent_climbs.json."""
    return json.loads((fixtures_dir / "my_sent_climbs.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def setup_holds(fixtures_dir: Path) -> list[dict[str, Any]]:
    """The 776 raw hold objects of face_setup.json."""
    return json.loads((fixtures_dir / "face_setup.json").read_text("utf-8"))["holds"]


def hold_from_json(raw: dict[str, Any], face_id: str = "face") -> Hold:
    """A domain Hold from one Stokt setup hold (a test-only mapping; the real one lives in backends)."""
    return Hold(
        id=f"hold-{raw['id']}",
        face_id=face_id,
        num=int(raw["id"]),
        stokt_id=int(raw["id"]),
        area=raw.get("area"),
        polygon_str=raw.get("polygonStr", ""),
        touch_polygon_str=raw.get("touchPolygonStr", ""),
        path_str=raw.get("pathStr", ""),
        centroid_str=raw.get("centroidStr", ""),
        top_polygon_str=raw.get("topPolygonStr", ""),
        center_tape_str=raw.get("centerTapeStr", ""),
        left_tape_str=raw.get("leftTapeStr", ""),
        right_tape_str=raw.get("rightTapeStr", ""),
    )


@pytest.fixture(scope="session")
def real_holds(setup_holds: list[dict[str, Any]]) -> list[Hold]:
    """The 776 holds of the real face as domain Holds."""
    return [hold_from_json(raw) for raw in setup_holds]


@pytest.fixture(scope="session")
def make_hold():
    """Factory: a Hold from keyword geometry strings (for synthetic cases)."""

    def factory(**strings: str) -> Hold:
        return Hold(id="h", face_id="face", num=1, polygon_str=strings.pop("polygon_str", ""), **strings)

    return factory
