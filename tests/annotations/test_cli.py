"""The command-line contract: annotate, annotations, maintenance, climbs --avoid-condition/--no-grip."""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest

from mastoc.cli import main
from mastoc.store import annotations as reads
from mastoc.store.db import Store


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_annotate_then_show_mine_and_the_consensus(store_dir, hold_keys, capsys):
    h = str(hold_keys[0])
    code, out, _ = run(capsys, "annotate", h, "--grip", "pince", "--condition", "tournee", "--notes", "loose")
    assert code == 0 and f"hold {h}" in out and "pince (Pinch)" in out
    code, out, _ = run(capsys, "annotations", h, "--json")
    data = json.loads(out)
    assert code == 0 and "not logged in" in data["me"]
    (item,) = data["annotations"]
    assert item["hold"] == hold_keys[0]
    assert (item["mine"]["grip_type"], item["mine"]["condition"], item["mine"]["notes"]) == ("pince", "tournee", "loose")
    assert item["consensus"]["grip_type"] == "pince" and item["consensus"]["total_annotators"] == 1
    code, out, _ = run(capsys, "annotations")
    assert code == 0 and f"hold {h}: mine" in out
    code, out, _ = run(capsys, "annotate", h, "--clear")
    assert code == 0 and "removed" in out
    assert json.loads(run(capsys, "annotations", "--json")[1])["annotations"] == []


@pytest.mark.parametrize("argv, words", [
    (["--grip", "pinch"], "allowed: plat, reglette, bi_doigt"),
    (["--condition", "broken"], "allowed: ok, a_brosser, sale, tournee, usee, cassee"),
    (["--difficulty", "x", "--condition", "ok"], "allowed: facile, normale, dure"),
    (["--notes", "x" * 100_000], "limited to 5000 characters"),
])
def test_bad_values_exit_2_with_the_allowed_list_and_store_nothing(store_dir, hold_keys, capsys, argv, words):
    code, _, err = run(capsys, "annotate", str(hold_keys[0]), *argv)
    assert code == 2 and words in err and err.count("\n") == 1
    with Store.open(store_dir) as s:
        assert s.conn.execute("SELECT count(*) FROM hold_annotations").fetchone()[0] == 0


def test_unknown_hold(store_dir, capsys):
    code, _, err = run(capsys, "annotate", "424242", "--condition", "ok")
    assert code == 6 and "no hold 424242" in err


def test_maintenance_lists_stokt_ids_and_writes_the_pdf(store_dir, hold_keys, capsys, tmp_path):
    run(capsys, "annotate", str(hold_keys[0]), "--condition", "cassee", "--notes", "cracked")
    run(capsys, "annotate", str(hold_keys[1]), "--condition", "a_brosser")
    run(capsys, "annotate", str(hold_keys[2]), "--condition", "ok")
    pdf = tmp_path / "m.pdf"
    code, out, _ = run(capsys, "maintenance", "--json", "--pdf", str(pdf))
    data = json.loads(out)
    assert code == 0 and [(i["stokt_id"], i["condition"]) for i in data["items"]] == [
        (hold_keys[0], "cassee"), (hold_keys[1], "a_brosser")]
    assert data["items"][0]["notes"] == "cracked" and data["items"][0]["reported_by"] == "me"
    assert len(pdfium.PdfDocument(str(pdf))) == 2
    code, out, _ = run(capsys, "maintenance")
    assert code == 0 and f"Stokt {hold_keys[0]} — cracked" in out and "Broken (cassee):" in out


def test_climbs_avoid_condition_and_no_grip(store_dir, hold_keys, capsys):
    run(capsys, "annotate", str(hold_keys[0]), "--condition", "cassee")
    run(capsys, "annotate", str(hold_keys[1]), "--grip", "pince")
    with Store.open(store_dir) as s:
        n0 = reads.resolve_hold(s.conn, hold_keys[0]).num
        total = s.conn.execute("SELECT count(*) FROM climbs").fetchone()[0]
        using = s.conn.execute("SELECT count(DISTINCT climb_id) FROM climb_holds WHERE hold_num = ?", (n0,)).fetchone()[0]
    code, out, _ = run(capsys, "climbs", "--avoid-condition", "cassee", "--avoid-condition", "tournee", "--json", "--limit", "0")
    data = json.loads(out)
    assert code == 0 and data["total"] == total - using
    assert all(not c["warnings"] for c in data["climbs"])
    code, out, _ = run(capsys, "climbs", "--json", "--limit", "0")
    flagged = [c for c in json.loads(out)["climbs"] if c["warnings"]]
    assert len(flagged) == using and flagged[0]["warnings"] == [{"hold": hold_keys[0], "condition": "cassee"}]
    with pytest.raises(SystemExit) as exc:
        main(["climbs", "--no-grip", "pinch"])
    assert exc.value.code == 2 and "invalid choice: 'pinch' (choose from 'plat'" in capsys.readouterr().err
    code, out, _ = run(capsys, "climbs", "--no-grip", "pince", "--json", "--limit", "0")
    assert code == 0 and json.loads(out)["total"] < total


def test_climbs_only_grip_keeps_climbs_whose_annotated_hand_holds_are_of_those_grips(store_dir, hold_keys, capsys):
    """`--only-grip bac` = no hand hold annotated with any other grip type; unannotated holds pass."""
    run(capsys, "annotate", str(hold_keys[0]), "--grip", "bac")
    run(capsys, "annotate", str(hold_keys[1]), "--grip", "pince")
    with Store.open(store_dir) as s:
        n_pinch = reads.resolve_hold(s.conn, hold_keys[1]).num
        hand_on_pinch = s.conn.execute(
            "SELECT count(DISTINCT climb_id) FROM climb_holds WHERE hold_num = ? AND role <> 'F'", (n_pinch,)
        ).fetchone()[0]
        total = s.conn.execute("SELECT count(*) FROM climbs").fetchone()[0]
    assert hand_on_pinch > 0
    code, out, _ = run(capsys, "climbs", "--only-grip", "bac", "--json", "--limit", "0")
    assert code == 0 and json.loads(out)["total"] == total - hand_on_pinch
    code, out, _ = run(capsys, "climbs", "--only-grip", "bac", "--only-grip", "pince", "--json", "--limit", "0")
    assert code == 0 and json.loads(out)["total"] == total
