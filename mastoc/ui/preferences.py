"""User preferences, persisted with QSettings in an INI file of the data directory.

Keeping the file beside the store means a `--data-dir` (and every test's temporary directory) has its
own preferences; closing and reopening restores the window, face, filters and selected climb.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from mastoc.domain.grades import GradeSystem
from mastoc.ui import styles

SETTINGS_FILE = "ui-settings.ini"


@dataclass(slots=True)
class Filters:
    grade_lo: str | None = None  # label in the grade system, None = open end
    grade_hi: str | None = None
    setter: str = ""
    text: str = ""
    feet_rule: str = ""
    benchmark_only: bool = False
    sort: str = "newest"


@dataclass(slots=True)
class Preferences:
    grade_system: str = GradeSystem.FONT.value
    dim_level: float = styles.DEFAULT_DIM
    outline_width: float = styles.DEFAULT_OUTLINE_WIDTH
    last_face: str = ""
    selected_climb: str = ""
    filters: Filters = field(default_factory=Filters)
    geometry: QByteArray | None = None
    splitter: QByteArray | None = None


def settings(directory: Path) -> QSettings:
    return QSettings(str(Path(directory) / SETTINGS_FILE), QSettings.Format.IniFormat)


def load(directory: Path) -> Preferences:
    st = settings(directory)
    p = Preferences()
    system = str(st.value("grade_system", p.grade_system))
    p.grade_system = system if system in {g.value for g in GradeSystem} else p.grade_system
    p.dim_level = _float(st.value("dim_level"), p.dim_level, 0.0, 1.0)
    p.outline_width = _float(st.value("outline_width"), p.outline_width, 0.5, 8.0)
    p.last_face = str(st.value("last_face", "") or "")
    p.selected_climb = str(st.value("selected_climb", "") or "")
    try:
        raw = json.loads(str(st.value("filters", "{}") or "{}"))
        known = {k: v for k, v in raw.items() if k in Filters.__dataclass_fields__}
        p.filters = Filters(**known)
    except (ValueError, TypeError):
        p.filters = Filters()
    geo = st.value("geometry")
    p.geometry = geo if isinstance(geo, QByteArray) else None
    spl = st.value("splitter")
    p.splitter = spl if isinstance(spl, QByteArray) else None
    return p


def save(directory: Path, p: Preferences) -> None:
    st = settings(directory)
    st.setValue("grade_system", p.grade_system)
    st.setValue("dim_level", p.dim_level)
    st.setValue("outline_width", p.outline_width)
    st.setValue("last_face", p.last_face)
    st.setValue("selected_climb", p.selected_climb)
    st.setValue("filters", json.dumps(asdict(p.filters)))
    if p.geometry is not None:
        st.setValue("geometry", p.geometry)
    if p.splitter is not None:
        st.setValue("splitter", p.splitter)
    st.sync()


def _float(value: object, default: float, lo: float, hi: float) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return max(lo, min(hi, v))
