"""The Sync panel's widgets and layout (`build_panel`), kept apart from its behaviour (`sync_panel`).

Creates every widget as an attribute of the panel (the panel's methods and the tests use these
names) and connects them to the panel's slots.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mastoc.ui.sync_preview import PreviewView
from mastoc.ui.sync_words import BACKEND_NAMES

TAB_PREVIEW, TAB_HISTORY = range(2)


def build_panel(panel: Any) -> None:
    conn = QGroupBox(panel.tr("Backend"))
    form = QFormLayout(conn)
    panel.backend_box = QComboBox()
    panel.backend_box.setObjectName("backend")
    for key, text in BACKEND_NAMES.items():
        panel.backend_box.addItem(text, key)
    panel.backend_box.currentIndexChanged.connect(panel._on_backend_chosen)
    form.addRow(panel.tr("Active backend"), panel.backend_box)
    panel.conn_label = QLabel("…")
    panel.conn_label.setObjectName("connection")
    panel.conn_label.setTextFormat(Qt.TextFormat.RichText)
    panel.conn_label.setWordWrap(True)
    panel.login_btn = QPushButton(panel.tr("Log in…"))
    panel.logout_btn = QPushButton(panel.tr("Log out"))
    panel.login_btn.clicked.connect(panel.open_login)
    panel.logout_btn.clicked.connect(panel.logout)
    row = QHBoxLayout()
    row.addWidget(panel.conn_label, 1)
    row.addWidget(panel.login_btn)
    row.addWidget(panel.logout_btn)
    panel.conn_title = QLabel(panel.tr("Connection"))
    form.addRow(panel.conn_title, row)

    panel.op_box = QComboBox()
    panel.op_box.setObjectName("operation")
    panel.op_box.currentIndexChanged.connect(panel._on_op_chosen)
    panel.full_box = QCheckBox(panel.tr("Full reconciliation"))
    panel.full_box.setToolTip(panel.tr("Walk every page and flag what the backend no longer has (slower)"))
    panel.delete_box = QCheckBox(panel.tr("Also delete on Stokt"))
    panel.delete_box.setToolTip(panel.tr("Climbs you deleted here are deleted on Stokt too (a separate choice)"))
    panel.delete_box.toggled.connect(lambda _on: panel.preview is not None and panel.start_preview())
    panel.preview_btn = QPushButton(panel.tr("Preview"))
    panel.run_btn = QPushButton(panel.tr("Run"))
    panel.cancel_btn = QPushButton(panel.tr("Cancel"))
    panel.preview_btn.setDefault(True)
    panel.preview_btn.clicked.connect(panel.start_preview)
    panel.run_btn.clicked.connect(panel.start_run)
    panel.cancel_btn.clicked.connect(panel.cancel)
    ops_row = QHBoxLayout()
    ops_row.addWidget(QLabel(panel.tr("Operation")))
    ops_row.addWidget(panel.op_box, 1)
    ops_row.addWidget(panel.full_box)
    ops_row.addWidget(panel.delete_box)
    ops_row.addWidget(panel.preview_btn)
    ops_row.addWidget(panel.run_btn)
    ops_row.addWidget(panel.cancel_btn)

    panel.progress = QProgressBar()
    panel.progress.setObjectName("progress")
    panel.progress.setTextVisible(True)
    panel.progress.setRange(0, 1)
    panel.progress.setValue(0)
    panel.step_label = QLabel("")
    panel.step_label.setObjectName("step")
    prog_row = QHBoxLayout()
    prog_row.addWidget(panel.progress, 2)
    prog_row.addWidget(panel.step_label, 3)

    panel.message = QLabel("")
    panel.message.setObjectName("message")
    panel.message.setWordWrap(True)
    panel.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    panel.retry_btn = QPushButton(panel.tr("Retry"))
    panel.retry_btn.clicked.connect(panel.retry)
    panel.retry_btn.hide()
    msg_row = QHBoxLayout()
    msg_row.addWidget(panel.message, 1)
    msg_row.addWidget(panel.retry_btn, 0, Qt.AlignmentFlag.AlignTop)

    panel.counts_label = QLabel("")
    panel.counts_label.setObjectName("counts")
    panel.counts_label.setWordWrap(True)
    panel.preview_view = PreviewView()
    pv = QWidget()
    pl = QVBoxLayout(pv)
    pl.setContentsMargins(0, 4, 0, 0)
    pl.addWidget(panel.counts_label)
    pl.addWidget(panel.preview_view, 1)
    panel.history = QTableWidget(0, 5)
    panel.history.setObjectName("history")
    panel.history.setHorizontalHeaderLabels([panel.tr("When"), panel.tr("Backend"), panel.tr("Direction"), panel.tr("Counts"),
                                             panel.tr("Outcome")])
    panel.history.verticalHeader().hide()
    panel.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    panel.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    panel.history.setWordWrap(False)
    hh = panel.history.horizontalHeader()
    for c in (0, 1, 2):
        hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    hh.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
    panel.tabs = QTabWidget()
    panel.tabs.addTab(pv, panel.tr("Preview"))
    panel.tabs.addTab(panel.history, panel.tr("History"))
    panel.tabs.currentChanged.connect(lambda i: panel.load_history() if i == TAB_HISTORY else None)

    lay = QVBoxLayout(panel)
    lay.addWidget(conn)
    lay.addLayout(ops_row)
    lay.addLayout(prog_row)
    lay.addLayout(msg_row)
    lay.addWidget(panel.tabs, 1)
    panel._set_busy("")
