"""Issue 9 §5: the log-in dialog shows the whole server URL and user name, and an "unreachable"
error wraps inside the dialog instead of overflowing it."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from mastoc.backends.errors import TransientError
from mastoc.ui.sync_login import LoginDialog
from mastoc.ui.sync_words import plain_error

URL = "https://mastoc-production-eu-west.up.railway.app"
USER = "climber.with.a.long.name@example.org"


def _fits(edit: QLineEdit) -> bool:
    """The whole text is visible: the line edit is wider than the text plus its frame and margins."""
    m = edit.textMargins()
    return edit.width() >= edit.fontMetrics().horizontalAdvance(edit.text()) + m.left() + m.right() + 12


def test_url_and_user_are_shown_whole_and_the_error_stays_inside(qtbot) -> None:
    dlg = LoginDialog("railway", URL, USER)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert _fits(dlg.url) and _fits(dlg.username), (dlg.width(), dlg.url.width())
    assert dlg.url.cursorPosition() == 0 or dlg.url.text() == URL
    text = plain_error(TransientError(f"GET {URL}/api/auth/me: connection refused after 5 attempts"),
                       "railway", logging_in=True).text
    dlg.show_error(text)
    qtbot.waitUntil(lambda: dlg.error.isVisible())
    err = dlg.error
    assert err.text().replace("\u200b", "") == text
    # the label lies inside the dialog and is tall enough for every wrapped line
    assert err.geometry().right() <= dlg.contentsRect().right()
    assert err.height() >= err.heightForWidth(err.width())
    assert dlg.width() <= 700  # still a small dialog
