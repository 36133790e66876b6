"""The Climb tab: a climb's name, grade (chosen system), setter, feet rule, date, description, tags, counts."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
)

from mastoc.domain import grades
from mastoc.domain.models import Climb


class ClimbDetails(QLabel):
    """Name, grade (chosen system), setter, feet rule, date, description, tags and counts."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMargin(6)
        self.climb: Climb | None = None
        self.warning_for = None  # optional callable: climb id -> a warning line (e.g. a broken hold), or ""
        self.show_climb(None, grades.GradeSystem.FONT.value)

    def show_climb(self, climb: Climb | None, system: str, position: str = "") -> None:
        self.climb = climb
        if climb is None:
            self.setText(self.tr("<i>No climb selected.</i><br>Pick one in the list, or click a hold on the wall."))
            return
        e = html.escape
        grade = grades.label(system, climb.grade_ircra)
        date = climb.created_at.strftime("%d %b %Y") if climb.created_at else "—"
        lines = [
            f"<span style='font-size:15pt; font-weight:600'>{e(climb.name)}</span>"
            f"&nbsp;&nbsp;<span style='font-size:15pt'>{e(grade)}</span>"
            + (" &nbsp;<b>★ benchmark</b>" if climb.is_benchmark else ""),
            f"by <b>{e(climb.setter_name or 'unknown setter')}</b> · {e(date)}",
            f"Feet: {e(climb.feet_rule or '—')}",
        ]
        if climb.tags:
            lines.append("Tags: " + ", ".join(e(t) for t in climb.tags))
        lines.append(f"{_n(climb.climbed_by, 'ascent')} · {_n(climb.total_likes, 'like')} · "
                     f"{_n(climb.total_comments, 'comment')}")
        if climb.description:
            lines.append(f"<i>{e(climb.description)}</i>")
        warning = self.warning_for(climb.id) if self.warning_for is not None else ""
        if warning:
            lines.append(f"<span style='color:#c62828'>⚠ {e(warning)}</span>")
        if position:
            lines.append(f"<span style='color:gray'>{e(position)}</span>")
        self.setText("<br>".join(lines))


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
