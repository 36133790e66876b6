"""Plain words of the Sync panel: error messages, counts, history rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mastoc.backends.errors import AuthError, ProtocolError, RateLimitedError, TransientError
from mastoc.ui.sync_words import counts_text, history_row, plain_error


@pytest.mark.parametrize(("exc", "backend", "text", "kind"), [
    (RateLimitedError("HTTP 429", retry_after=12.2), "stokt", "Stokt is rate limiting; retrying in 12 s", "rate_limited"),
    (RateLimitedError("HTTP 429"), "railway", "The mastoc server is rate limiting", "rate_limited"),
    (AuthError("Unable to log in with provided credentials.", status=400), "stokt",
     "Wrong password (or user name). Log in again.", "auth"),
    (AuthError("GET /api/x: HTTP 401", status=401), "stokt",
     "Not logged in to Stokt (or the session expired): log in again.", "auth"),
    (TransientError("connection refused"), "railway",
     "The mastoc server is unreachable (connection refused). Check the connection and retry.", "network"),
    (ProtocolError("bad JSON"), "stokt", "Stokt answered something unexpected: bad JSON", "protocol"),
])
def test_errors_in_plain_words(exc, backend, text, kind):
    err = plain_error(exc, backend)
    assert (err.text, err.kind) == (text, kind)


def test_rate_limit_wait_is_kept_for_the_countdown():
    assert plain_error(RateLimitedError("429", retry_after=12.2), "stokt").retry_in == 12.2


def test_a_password_never_reaches_the_message():
    err = plain_error(TransientError("POST http://u:hunter2@127.0.0.1/login?password=hunter2 failed"), "railway")
    assert "hunter2" not in err.text


def test_counts_read_as_words():
    assert counts_text({"face": {"unchanged": 1}, "climb": {"unchanged": 1015, "new": 1, "conflict": 2, "to_push": 0}}) \
        == "Climbs: 2 conflicts, 1 new, 1,015 unchanged; Faces: 1 unchanged"
    assert counts_text('{"climb": {"pushed": 3}}') == "Climbs: 3 pushed"
    assert counts_text({}) == "nothing"


def test_history_row():
    run = {"backend": "stokt", "direction": "import-full", "started_at": datetime(2026, 1, 2, 9, 5, tzinfo=UTC).isoformat(),
           "status": "failed", "counts": {"climb": {"new": 3}}, "message": "Stokt is unreachable"}
    when, backend, direction, counts, outcome = history_row(run)
    assert "2026" in when and backend == "Stokt" and direction == "import (full)"
    assert counts == "Climbs: 3 new" and outcome == "failed: Stokt is unreachable"


def test_details_name_fields_in_words():
    from mastoc.ui.sync_words import readable_detail

    assert readable_detail("6C · name, grade_font, grade_ircra changed") == "6C · name, grade changed"
    assert readable_detail("7A · holds_list changed") == "7A · holds changed"
    assert readable_detail("6B · new on the server") == "6B · new on the server"
