"""The small Log in dialog of the Sync panel: server URL, user name, password.

It only collects the three values; the panel sends them to the facade on a worker thread and shows
the outcome here (`show_error`). The password lives in the line edit only: it is cleared after each
attempt and never put in a log, a status message or an exception text.

The fields are wide enough for a whole server URL and e-mail (at least 40 characters, more when the
given text is longer), and an error wraps inside the dialog: long words in it (URLs) get break
opportunities after `/` and `.`, and the dialog grows in height to show every line.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mastoc.ui.sync_words import BACKEND_NAMES

_LONG_WORD = re.compile(r"\S{30,}")


class LoginDialog(QDialog):
    submitted = Signal(str, str, str, str)  # backend, url, username, password

    def __init__(self, backend: str, url: str, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(self.tr("Log in to {0}").format(BACKEND_NAMES.get(backend, backend)))
        self.url = QLineEdit(url)
        self.username = QLineEdit(username)
        self.username.setPlaceholderText(self.tr("e-mail or user name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("login-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.error.hide()
        for edit in (self.url, self.username, self.password):
            self._wide_enough(edit)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Server", self.url)
        form.addRow("User", self.username)
        form.addRow("Password", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()
        self.url.setCursorPosition(0)

    @staticmethod
    def _wide_enough(edit: QLineEdit) -> None:
        fm = edit.fontMetrics()
        text = max(edit.text(), "x" * 40, key=fm.horizontalAdvance)
        edit.setMinimumWidth(min(fm.horizontalAdvance(text) + 24, 640))

    def _submit(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.show_error("Enter a user name and a password.")
            return
        password = self.password.text()
        self.password.clear()
        self.set_busy(True)
        self.submitted.emit(self.backend, self.url.text().strip(), self.username.text().strip(), password)

    def set_busy(self, busy: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not busy)
        if busy:
            self.error.setStyleSheet("color: palette(text);")
            self._set_error_text(self.tr("Logging in…"))

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setStyleSheet("color: #b00020;")
        self._set_error_text(text)
        self.password.setFocus()

    def _set_error_text(self, text: str) -> None:
        # in a long word (a URL), zero-width spaces after / and . let it wrap instead of widening the dialog
        self.error.setText(_LONG_WORD.sub(lambda m: m.group(0).replace("/", "/\u200b").replace(".", ".\u200b"), text))
        self.error.show()
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
