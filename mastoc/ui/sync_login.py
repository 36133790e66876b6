"""The small Log in dialog of the Sync panel: server URL, user name, password.

It only collects the three values; the panel sends them to the facade on a worker thread and shows
the outcome here (`show_error`). The password lives in the line edit only: it is cleared after each
attempt and never put in a log, a status message or an exception text.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mastoc.ui.sync_words import BACKEND_NAMES


class LoginDialog(QDialog):
    submitted = Signal(str, str, str, str)  # backend, url, username, password

    def __init__(self, backend: str, url: str, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setWindowTitle(f"Log in to {BACKEND_NAMES.get(backend, backend)}")
        self.url = QLineEdit(url)
        self.username = QLineEdit(username)
        self.username.setPlaceholderText("e-mail or user name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setObjectName("login-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        form = QFormLayout()
        form.addRow("Server", self.url)
        form.addRow("User", self.username)
        form.addRow("Password", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Log in")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

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
            self.error.setText("Logging in…")
            self.error.setStyleSheet("color: palette(text);")
            self.error.show()

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setText(text)
        self.error.show()
        self.password.setFocus()
