"""What the UI reads from the store, as plain functions meant to run on worker threads.

Each worker thread opens its own connection to the store (SQLite connections must not be shared
across threads; WAL lets these readers run while something else writes) and keeps it for reuse.
Nothing here imports Qt except `load_face`, which decodes the photo into `QImage`s (safe off the UI
thread; pixmaps are made on the UI thread).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from mastoc.domain import grades
from mastoc.domain.models import Face
from mastoc.store import search as s
from mastoc.store.db import Store
from mastoc.ui.wall.model import WallHold, wall_holds

_local = threading.local()
T = TypeVar("T")


def store_for_thread(directory: Path) -> Store:
    """This thread's store connection for `directory` (opened once per thread)."""
    stores: dict[str, Store] = getattr(_local, "stores", None) or {}
    _local.stores = stores
    key = str(directory)
    st = stores.get(key)
    if st is None:
        st = Store.open(directory, migrate=False)
        stores[key] = st
    return st


@dataclass(slots=True)
class FaceData:
    face: Face
    holds: list[WallHold]
    preview: object | None  # QImage: the photo decoded at reduced size (fast), enough for fit-to-window
    photo_path: Path | None
    photo_size: tuple[int, int] | None = None  # the full photo's pixel size (hold coordinates)


PREVIEW_WIDTH = 1200  # px; fit-to-window on a large screen needs about this much


def load_face(directory: Path, face_id: str) -> FaceData:
    """A face, its parsed holds and a quickly decoded preview of its photo (JPEG DCT scaling).

    The full-resolution photo follows with `load_photo_levels`, so the first paint does not wait
    for a 2263x3000 decode (P10).
    """
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage, QImageReader

    st = store_for_thread(directory)
    face = st.face(face_id)
    if face is None:
        raise LookupError(f"no face {face_id}")
    holds = wall_holds(st.holds(face.id))
    photo = st.image_path(face.picture_sha256) if face.picture_sha256 else None
    preview = None
    photo_size = None
    if photo is not None:
        reader = QImageReader(str(photo))
        full = reader.size()
        if full.isValid():
            photo_size = (full.width(), full.height())
        if full.isValid() and full.width() > PREVIEW_WIDTH:
            factor = max(1, full.width() // PREVIEW_WIDTH)
            reader.setScaledSize(QSize(full.width() // factor, full.height() // factor))
        img = reader.read()
        if not img.isNull():
            preview = img.convertToFormat(QImage.Format.Format_RGB32)
    return FaceData(face, holds, preview, photo, photo_size)


def load_photo_levels(path: Path) -> list:
    """The full photo and its mip chain (halving down to ~400 px), as QImages."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    if img.isNull():
        return []
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    levels = [img]
    while img.width() > 400:
        img = img.scaled(img.width() // 2, img.height() // 2, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
        levels.append(img)
    return levels


@dataclass(frozen=True, slots=True)
class Counts:
    matching: int
    total: int


def page(directory: Path, q: s.ClimbQuery) -> list[s.ClimbRow]:
    return s.search(store_for_thread(directory).conn, q)


def counts(directory: Path, q: s.ClimbQuery) -> Counts:
    conn = store_for_thread(directory).conn
    if s.grade_only(q) and q.face_id is not None:  # the grade slider: from the face's grade counts
        matching = sum(s.in_grade_range(_face_grades(conn, q.face_id), q).values())
    elif s.setter_only(q) and q.face_id is not None:  # the setter box: from the face's setter counts
        face = q.face_id
        per_setter = _cached(conn, ("setters", face), lambda: s.setter_counts(conn, face))
        matching = sum(per_setter.get(i, 0) for i in s.setter_ids(conn, q.setter or ""))
    else:
        matching = s.count(conn, q)
    return Counts(matching, face_total(conn, q.face_id))


def face_total(conn: sqlite3.Connection, face_id: str | None) -> int:
    """How many climbs the face has (counted again only after the store changed: `_cached`)."""
    return _cached(conn, ("total", face_id), lambda: s.count(conn, s.ClimbQuery(face_id=face_id)))


def _face_grades(conn: sqlite3.Connection, face_id: str) -> dict[float | None, int]:
    return _cached(conn, ("grades", face_id), lambda: s.grade_counts(conn, s.ClimbQuery(face_id=face_id)))


def _cached(conn: sqlite3.Connection, key: tuple, compute: Callable[[], T]) -> T:
    """`compute()` for this thread's connection, again only after the store changed — a commit by any
    connection (`PRAGMA data_version`) or by this one — not on every filter change (25-50 ms at 400k)."""
    version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    cache: dict[tuple, tuple[tuple[int, int], object]] = getattr(_local, "cache", None) or {}
    _local.cache = cache
    full = (id(conn), *key)
    hit = cache.get(full)
    if hit is not None and hit[0] == version:
        return hit[1]  # type: ignore[return-value]
    value = compute()
    cache[full] = (version, value)
    return value


def hold_stats(directory: Path, face_id: str, q: s.ClimbQuery | None) -> dict[int, s.HoldStat]:
    return s.hold_stats(store_for_thread(directory).conn, face_id, q)


def grade_histogram(directory: Path, q: s.ClimbQuery, system: str) -> list[tuple[str, int]]:
    """How many matching climbs per grade label of `system`, easiest first, "?" last (if any)."""
    conn = store_for_thread(directory).conn
    if s.grade_only(q) and q.face_id is not None:
        rows = s.in_grade_range(_face_grades(conn, q.face_id), q).items()
    else:
        rows = s.grade_counts(conn, q).items()
    per_label: dict[str, int] = {}
    for ircra, n in rows:
        lbl = grades.label(system, ircra)
        per_label[lbl] = per_label.get(lbl, 0) + n
    ordered = [(lbl, per_label[lbl]) for lbl in grades.labels(system) if lbl in per_label]
    if system != grades.GradeSystem.IRCRA:
        # keep the empty bands between the easiest and hardest present grade: the pyramid has no gaps
        present = [i for i, lbl in enumerate(grades.labels(system)) if lbl in per_label]
        if present:
            labels = grades.labels(system)[present[0]: present[-1] + 1]
            ordered = [(lbl, per_label.get(lbl, 0)) for lbl in labels]
    else:
        ordered = sorted(((lbl, n) for lbl, n in per_label.items() if lbl != grades.UNGRADED),
                         key=lambda t: float(t[0]))
    if grades.UNGRADED in per_label:
        ordered.append((grades.UNGRADED, per_label[grades.UNGRADED]))
    return ordered


def setters(directory: Path, face_id: str) -> list[str]:
    conn = store_for_thread(directory).conn
    rows = conn.execute(
        "SELECT DISTINCT u.full_name FROM climbs c JOIN users u ON u.id = c.setter_id WHERE c.face_id = ? "
        "ORDER BY u.full_name COLLATE NOCASE", (face_id,)).fetchall()
    return [r[0] for r in rows if r[0]]
