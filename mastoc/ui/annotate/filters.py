"""The filter row's annotation part: "Avoid: …" (hold conditions), "No grip: …" and "Hands only on: …"
(hand grip types).

Three tool buttons with checkable menus; `changed` fires on every toggle; `query_kwargs()` gives the
`ClimbQuery` fields (`avoid_conditions`, `no_grips`). "Hands only on X" is "no hand hold of any other
grip type" (`domain.annotations.grips_outside`): holds nobody annotated with a grip type pass, as they do
for "No grip"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from mastoc.domain import annotations as dom


class AnnotationFilters(QWidget):
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.avoid = self._button(self.tr("Avoid"), "condition", skip=("ok",))
        self.no_grip = self._button(self.tr("No grip"), "grip_type")
        self.only_grip = self._button(self.tr("Hands only on"), "grip_type")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.avoid)
        lay.addWidget(self.no_grip)
        lay.addWidget(self.only_grip)
        lay.addStretch(1)
        self._update_texts()

    def _button(self, text: str, dim: str, skip: tuple[str, ...] = ()) -> QToolButton:
        b = QToolButton()
        b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        b.setProperty("base", text)
        menu = QMenu(b)
        for c in dom.CHOICES[dim]:
            if c.value in skip:
                continue
            a = menu.addAction(self.tr(c.label))
            a.setCheckable(True)
            a.setData(c.value)
            a.setToolTip(self.tr(c.description))
            a.toggled.connect(self._toggled)
        b.setMenu(menu)
        return b

    def _values(self, b: QToolButton) -> tuple[str, ...]:
        return tuple(a.data() for a in b.menu().actions() if a.isChecked())

    def set_values(self, avoid: tuple[str, ...] = (), no_grip: tuple[str, ...] = (),
                   only_grip: tuple[str, ...] = ()) -> None:
        for b, values in ((self.avoid, avoid), (self.no_grip, no_grip), (self.only_grip, only_grip)):
            for a in b.menu().actions():
                a.blockSignals(True)
                a.setChecked(a.data() in values)
                a.blockSignals(False)
        self._update_texts()
        self.changed.emit()

    def query_kwargs(self) -> dict:
        no_grips = set(self._values(self.no_grip)) | set(dom.grips_outside(self._values(self.only_grip)))
        return {"avoid_conditions": self._values(self.avoid),
                "no_grips": tuple(v for v in dom.GRIP_TYPES if v in no_grips)}

    def _toggled(self, _on: bool) -> None:
        self._update_texts()
        self.changed.emit()

    def _update_texts(self) -> None:
        for b, dim in ((self.avoid, "condition"), (self.no_grip, "grip_type"), (self.only_grip, "grip_type")):
            chosen = [dom.label(dim, v) for v in self._values(b)]
            b.setText(f"{b.property('base')}: {', '.join(chosen)}" if chosen else f"{b.property('base')}…")
