"""The Sync panel against a fake facade: conflicts, choices, errors in plain words, Retry, history."""

from __future__ import annotations

from mastoc.backends.errors import AuthError, RateLimitedError, TransientError


def preview(qtbot, panel):
    with qtbot.waitSignal(panel.previewReady, timeout=10_000):
        panel.preview_btn.click()


def run(qtbot, panel):
    with qtbot.waitSignal(panel.runFinished, timeout=10_000) as blocker:
        panel.run_btn.click()
    return blocker.args[0]


def test_status_shows_backend_connection(qtbot, data_dir, fake_ops, make_panel):
    fake_ops.accounts["railway"] = "ada@example.org"
    panel = make_panel(data_dir, fake_ops)
    assert panel.backend_box.currentData() == "railway"
    assert [panel.op_box.itemText(i) for i in range(panel.op_box.count())] == ["Sync with Railway", "Push to Stokt"]
    text = panel.conn_label.text()
    assert "ada@example.org" in text and "http://127.0.0.1:9/railway" in text
    assert "3 local changes waiting" in text and "never" in text
    assert panel.logout_btn.isEnabled()


def test_switch_backend_is_persisted_and_changes_operations(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops)
    with qtbot.waitSignal(panel.statusLoaded, timeout=10_000):
        panel.backend_box.setCurrentIndex(panel.backend_box.findData("stokt"))
    assert fake_ops.active == "stokt"
    assert ("set_active_backend", "stokt") in fake_ops.calls
    assert [panel.op_box.itemData(i) for i in range(panel.op_box.count())] == ["stokt-import", "stokt-push"]
    assert panel.conn_title.text() == "Stokt"


def test_preview_lists_rows_by_category_and_conflict_choice_is_passed(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops, op="railway-sync")
    preview(qtbot, panel)
    rows = panel.preview_view.row_texts()
    assert ("conflict", "Pinch Me", "7A · Carol · grade changed on both sides") in rows
    assert ("new", "Crimp City", "6B+ · Alice · new on the server") in rows
    assert ("deleted_upstream", "Warm-ups", "deleted on the server") in rows
    assert ("new", "Annotation on hold 829284", "crimp, good for feet") in rows
    tabs = [panel.preview_view.tabText(i) for i in range(panel.preview_view.count())]
    assert tabs[0].startswith("Climbs") and "⚠ 1" in tabs[0]
    assert "1,012 unchanged" in panel.counts_label.text()
    assert panel.preview_view.conflict_keys() == ["c-conf"]
    panel.preview_view.set_choice("c-conf", "both")
    run(qtbot, panel)
    kind, op, selected, resolutions = fake_ops.calls[-1]
    assert kind == "run" and resolutions == {"c-conf": "both"} and selected is None


def test_push_checkboxes_select_what_is_pushed(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops, op="stokt-push")
    preview(qtbot, panel)
    assert panel.preview_view.selectable_keys() == ["p0", "p1", "p2"]
    panel.preview_view.set_checked("p1", False)
    run(qtbot, panel)
    assert fake_ops.calls[-1][2] == {"p0", "p2"}
    # nothing ticked: Run is not offered
    preview(qtbot, panel)
    for k in panel.preview_view.selectable_keys():
        panel.preview_view.set_checked(k, False)
    assert not panel.run_btn.isEnabled()


def test_wrong_password_in_plain_words_then_login(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops)
    panel.open_login()
    dlg = panel.login_dialog
    dlg.username.setText("ada@example.org")
    dlg.password.setText("nope")
    with qtbot.waitSignal(panel.tasks._relay.finished, timeout=10_000):
        dlg.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Wrong password" in dlg.error.text(), timeout=5_000)
    assert dlg.password.text() == ""  # never kept around
    dlg.password.setText("secret-pw")
    with qtbot.waitSignal(panel.statusLoaded, timeout=10_000):
        dlg.buttons.accepted.emit()
    assert fake_ops.accounts["railway"] == "ada@example.org"
    assert "logged in as" in panel.conn_label.text()
    assert all("secret-pw" not in str(c) for c in fake_ops.calls)


def test_unreachable_error_and_retry(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops)
    fake_ops.fail_next.append(TransientError("connection refused"))
    with qtbot.waitSignal(panel.errorShown, timeout=10_000) as err:
        panel.preview_btn.click()
    assert "unreachable" in err.args[0]
    assert panel.retry_btn.isVisible() and panel.retry_btn.text() == "Retry"
    with qtbot.waitSignal(panel.previewReady, timeout=10_000):
        panel.retry_btn.click()
    assert not panel.retry_btn.isVisible()
    assert panel.preview_view.row_texts()


def test_rate_limit_counts_down_and_retries_by_itself(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops)
    fake_ops.fail_next.append(RateLimitedError("429", retry_after=1.2))
    with qtbot.waitSignal(panel.errorShown, timeout=10_000) as err:
        panel.preview_btn.click()
    assert err.args[0] == "The mastoc server is rate limiting; retrying in 1 s"
    with qtbot.waitSignal(panel.previewReady, timeout=10_000):
        pass  # the automatic retry
    assert sum(1 for c in fake_ops.calls if c[0] == "preview") == 2


def test_auth_error_offers_login(qtbot, data_dir, fake_ops, make_panel):
    panel = make_panel(data_dir, fake_ops)
    fake_ops.fail_next.append(AuthError("not logged in to the mastoc server"))
    with qtbot.waitSignal(panel.errorShown, timeout=10_000):
        panel.preview_btn.click()
    assert panel.retry_btn.text() == "Log in…"
    panel.retry_btn.click()
    assert panel.login_dialog is not None and panel.login_dialog.isVisible()
    panel.login_dialog.reject()


def test_cancel_mid_run_then_rerun_finishes_and_history_lists_runs(qtbot, data_dir, fake_ops, make_panel):
    fake_ops.step_delay = 0.15
    panel = make_panel(data_dir, fake_ops)
    preview(qtbot, panel)
    with qtbot.waitSignal(panel.runFinished, timeout=10_000) as done:
        panel.run_btn.click()
        qtbot.waitUntil(lambda: panel.progress.maximum() == 5 and panel.progress.value() >= 1, timeout=5_000)
        assert "Applying batch" in panel.step_label.text()
        panel.cancel_btn.click()
    assert done.args[0].cancelled
    assert "cancelled" in panel.message.text() and panel.run_btn.isEnabled()
    report = run(qtbot, panel)
    assert report.ok and fake_ops.completed_steps == 0
    with qtbot.waitSignal(panel.historyLoaded, timeout=10_000):
        panel.tabs.setCurrentIndex(1)
    rows = panel.history_texts()
    assert len(rows) == 2
    assert rows[0][1] == "Railway (mastoc server)" and rows[0][4] == "ok"
    assert rows[1][4].startswith("cancelled")
    assert rows[0][3] == "Climbs: 1 new, 1 updated"


def test_huge_previews_list_the_first_rows_and_include_the_rest(qtbot):
    from mastoc.ui.sync_preview import MAX_ROWS, PreviewView
    from tests.ui_sync.fake_ops import Op, Preview, PreviewItem

    n = MAX_ROWS + 500
    items = [PreviewItem("climb", "to_push", f"k{i}", f"Climb {i}", "6A", "push", selectable=True) for i in range(n)]
    view = PreviewView()
    qtbot.addWidget(view)
    view.set_preview(Preview(Op.STOKT_PUSH, items, {"climb": {"to_push": n}}, plan=None))
    assert len(view.row_texts()) == MAX_ROWS
    head = view.widget(0).topLevelItem(0)
    assert head.text(0) == f"To push ({n:,})"
    assert head.child(head.childCount() - 1).text(0) == "… and 500 more (included, not listed)"
    view.set_checked("k3", False)
    chosen = view.selected()
    assert len(chosen) == n - 1 and "k3" not in chosen and f"k{n - 1}" in chosen


def test_opening_the_panel_on_another_operation_while_running_changes_nothing(qtbot, data_dir, fake_ops, make_panel):
    fake_ops.step_delay = 0.1
    panel = make_panel(data_dir, fake_ops)
    preview(qtbot, panel)
    with qtbot.waitSignal(panel.runFinished, timeout=10_000) as done:
        panel.run_btn.click()
        panel.show_for("stokt-import", "stokt")
        assert panel.current_op() == "railway-sync" and panel.preview is not None
    assert done.args[0].ok and fake_ops.active == "railway"


def test_a_conflict_shows_base_mine_and_theirs_under_its_row(qtbot, data_dir, fake_ops, make_panel):
    """Issue 9 §5: the conflict row is not a blind choice: each differing field is shown as it was at the
    last sync, as it is here, and as the other side has it; the changed values stand out."""
    from mastoc.ui.sync_conflict import ConflictTable

    panel = make_panel(data_dir, fake_ops, op="railway-sync")
    preview(qtbot, panel)
    assert panel.preview_view.comparison("c-conf") == [
        ("name", "Pinch", "Pinch Me", "Pinch"), ("grade", "6C", "6C", "7A"), ("privacy", "no", "yes", "no")]
    table = panel.preview_view.findChild(ConflictTable, "conflict-compare")
    assert table is not None and table.isVisible()
    headers = [table.horizontalHeaderItem(c).text() for c in range(4)]
    assert headers == ["Field", "At the last sync", "Mine (this computer)", "Theirs (the server)"]
    assert table.item(0, 2).font().bold() and not table.item(0, 3).font().bold()  # name changed here only
    assert table.item(1, 3).font().bold() and not table.item(1, 2).font().bold()  # grade changed there only
    assert table.height() >= table.rowHeight(0) * 3
