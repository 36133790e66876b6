"""The pull writer's climb↔hold rows: the same as `rows.climb_hold_rows` for every holds list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mastoc.store import rows
from mastoc.sync.railway_pull import hold_rows

ODD = ["", " ", "S1", "S1 T2", " S1  O2,T3 ", ",S1,,F2,", "S01 S1", "S1 S1", "S1 O1", "X1", "S", "S1x", "S12345678901",
       "S1234567890", "s1", "S1\tT2\nO3", "S1 T2 S3 T2", "T9 S9", "S-1", "1S"]


@pytest.mark.parametrize("text", ODD)
def test_hold_rows_match_the_parser(text: str):
    assert hold_rows("c", text, 15.5) == rows.climb_hold_rows("c", text, 15.5)


def test_hold_rows_match_the_parser_on_the_real_climbs(fixtures_dir: Path):
    lists = [c.get("holdsList") or "" for page in sorted(fixtures_dir.glob("climbs_page_*.json"))
             for c in json.loads(page.read_text())["results"]]
    assert len(lists) > 1000
    for text in lists:
        assert hold_rows("c", text, None) == rows.climb_hold_rows("c", text, None)
