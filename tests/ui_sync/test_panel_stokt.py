"""The Sync panel driven with pytest-qt against the real facade and the loopback Stokt stand-in."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mastoc.domain.ids import new_id
from mastoc.domain.models import Climb, Source
from mastoc.store.db import Store
from mastoc.sync import operations as ops
from tests.stokt.standin import FACE_ID, StoktStandin


@pytest.fixture()
def standin(fixtures_dir: Path) -> Iterator[StoktStandin]:
    with StoktStandin(fixtures_dir) as s:
        yield s


@pytest.fixture()
def logged_in(data_dir: Path, standin: StoktStandin) -> Path:
    ops.set_active_backend("stokt", data_dir)
    ops.login("stokt", standin.username, standin.password, standin.url, data_dir)
    return data_dir


@pytest.fixture()
def imported(logged_in: Path) -> Path:
    """Logged in and the stand-in's gym imported (through the facade, like the panel does)."""
    rep = ops.run(ops.preview(ops.Op.STOKT_IMPORT, logged_in), logged_in)
    assert rep.ok, rep.message
    return logged_in


def set_climbs(directory: Path, names: list[str]) -> list[str]:
    with Store.open(directory) as st:
        face = st.face(FACE_ID)
        ids = []
        for name in names:
            c = Climb(id=new_id(), face_id=face.id, name=name, holds_list="S829284 F829104 O829309 T829220",
                      grade_font="6A", grade_ircra=15.5, feet_rule="Pieds des mains", source=Source.MASTOC)
            st.save_climb(c)
            ids.append(c.id)
    return ids


def integrity(directory: Path) -> str:
    with Store.open(directory) as st:
        return st.conn.execute("PRAGMA integrity_check").fetchone()[0]


def preview(qtbot, panel, timeout: int = 30_000):
    with qtbot.waitSignal(panel.previewReady, timeout=timeout) as b:
        panel.preview_btn.click()
    return b.args[0]


def run(qtbot, panel, timeout: int = 60_000):
    with qtbot.waitSignal(panel.runFinished, timeout=timeout) as b:
        panel.run_btn.click()
    return b.args[0]


def test_login_dialog_wrong_password_then_right(qtbot, data_dir, standin, make_panel):
    ops.set_active_backend("stokt", data_dir)
    panel = make_panel(data_dir, op="stokt-import")
    assert "not logged in" in panel.conn_label.text()
    panel.open_login()
    dlg = panel.login_dialog
    dlg.url.setText(standin.url)
    dlg.username.setText(standin.username)
    dlg.password.setText("not it")
    dlg.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Wrong password" in dlg.error.text(), timeout=10_000)
    dlg.password.setText(standin.password)
    with qtbot.waitSignal(panel.statusLoaded, timeout=10_000):
        dlg.buttons.accepted.emit()
    assert f"logged in as <b>{standin.username}</b>" in panel.conn_label.text()
    assert standin.url in panel.conn_label.text()


def test_import_preview_shows_the_fixture_climbs_then_run_writes_them(qtbot, logged_in, fixtures_dir, make_panel):
    first = json.loads((fixtures_dir / "climbs_page_1.json").read_text(encoding="utf-8"))["results"][0]
    panel = make_panel(logged_in, op="stokt-import")
    pv = preview(qtbot, panel)
    rows = panel.preview_view.row_texts()
    new = [r for r in rows if r[0] == "new" and r[1] != "" and not r[1].startswith("Wall photo")]
    assert len(new) == pv.counts["climb"]["new"] == 1017
    assert any(r[1] == first["name"] for r in new)
    with Store.open(logged_in) as st:  # the preview wrote nothing
        assert st.conn.execute("SELECT count(*) FROM climbs").fetchone()[0] == 0
    report = run(qtbot, panel)
    assert report.ok, report.message
    with Store.open(logged_in) as st:
        assert st.conn.execute("SELECT count(*) FROM climbs").fetchone()[0] == 1017
    with qtbot.waitSignal(panel.historyLoaded, timeout=10_000):
        panel.tabs.setCurrentIndex(1)
    assert panel.history_texts()[0][1] == "Stokt" and panel.history_texts()[0][4] == "ok"
    # a second (incremental) preview: nothing new or changed
    pv = preview(qtbot, panel)
    assert not [r for r in panel.preview_view.row_texts() if r[0] in ("new", "updated", "conflict")]
    assert pv.counts["climb"]["unchanged"] > 0 and "Everything is up to date" in panel.message.text()


def test_push_with_one_box_unticked_pushes_the_others_only(qtbot, imported, standin, make_panel):
    ids = set_climbs(imported, ["Bloc A", "Bloc B", "Bloc C"])
    panel = make_panel(imported, op="stokt-push")
    preview(qtbot, panel)
    assert sorted(panel.preview_view.selectable_keys()) == sorted(ids)
    assert {r[1] for r in panel.preview_view.row_texts() if r[0] == "to_push"} == {"Bloc A", "Bloc B", "Bloc C"}
    panel.preview_view.set_checked(ids[1], False)
    report = run(qtbot, panel)
    assert report.ok, report.message
    assert sorted(p["name"] for p in standin.posted) == ["Bloc A", "Bloc C"]
    with Store.open(imported) as st:
        assert st.climb(ids[1]).stokt_id is None
        assert st.climb(ids[0]).stokt_id and st.climb(ids[2]).stokt_id


def test_cancel_mid_push_leaves_a_consistent_store_and_a_rerun_finishes(qtbot, imported, standin, make_panel):
    names = [f"Bloc {i}" for i in range(6)]
    set_climbs(imported, names)
    panel = make_panel(imported, op="stokt-push")
    preview(qtbot, panel)
    entered, go = threading.Event(), threading.Event()

    def hold_the_first_post(_s: StoktStandin) -> None:  # (stand-in thread) the push is mid-run here
        if not entered.is_set():
            entered.set()
            go.wait(20)

    standin.hooks.append((r"^POST /api/faces/", hold_the_first_post))
    with qtbot.waitSignal(panel.runFinished, timeout=60_000) as done:
        panel.run_btn.click()
        qtbot.waitUntil(entered.is_set, timeout=20_000)
        panel.cancel_btn.click()
        go.set()
    assert done.args[0].cancelled
    assert len(standin.posted) == 1  # the climb in flight is finished, the others wait
    assert integrity(imported) == "ok"
    assert "cancelled" in panel.message.text()
    report = run(qtbot, panel)  # Run again on the same preview finishes the work
    assert report.ok, report.message
    assert sorted(p["name"] for p in standin.posted) == names  # each exactly once
    with Store.open(imported) as st:
        left = st.conn.execute("SELECT count(*) FROM climbs WHERE stokt_id IS NULL").fetchone()[0]
    assert left == 0
    assert integrity(imported) == "ok"


def test_rate_limit_in_plain_words_and_retry_works(qtbot, logged_in, standin, make_panel):
    standin.inject("status", match=r"/climbs", status=429, headers={"Retry-After": "600"},
                   body=b'{"detail": "Request was throttled."}')
    panel = make_panel(logged_in, op="stokt-import")
    with qtbot.waitSignal(panel.errorShown, timeout=30_000) as err:
        panel.preview_btn.click()
    assert err.args[0].startswith("Stokt is rate limiting")
    assert panel.retry_btn.isVisible()
    with qtbot.waitSignal(panel.previewReady, timeout=30_000):
        panel.retry_btn.click()
    assert panel.preview_view.row_texts()


def test_unreachable_server_in_plain_words(qtbot, logged_in, standin, make_panel):
    panel = make_panel(logged_in, op="stokt-import")
    standin.stop()
    with qtbot.waitSignal(panel.errorShown, timeout=60_000) as err:
        panel.preview_btn.click()
    assert "unreachable" in err.args[0]


def test_a_short_rate_limit_is_waited_out_with_a_countdown(qtbot, logged_in, standin, make_panel):
    standin.inject("status", match=r"/climbs", status=429, headers={"Retry-After": "2"},
                   body=b'{"detail": "Request was throttled."}')
    panel = make_panel(logged_in, op="stokt-import")
    seen: list[str] = []
    panel.step_label.setText("")
    with qtbot.waitSignal(panel.previewReady, timeout=30_000):
        panel.preview_btn.click()
        qtbot.waitUntil(lambda: seen.append(panel.step_label.text()) or "retrying in" in seen[-1], timeout=10_000)
    assert any(t.startswith("Stokt is rate limiting; retrying in ") for t in seen), seen
    assert panel.preview_view.row_texts()
