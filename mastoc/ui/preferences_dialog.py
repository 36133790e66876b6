"""Edit → Preferences: grade system, dimming and outline width, applied live (the window persists them)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSlider,
)


class PreferencesDialog(QDialog):
    gradeSystemChanged = Signal(str)
    dimChanged = Signal(float)
    outlineChanged = Signal(float)

    def __init__(self, systems: dict[str, str], system: str, dim: float, outline: float, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self.system = QComboBox()
        for key, text in systems.items():
            self.system.addItem(text, key)
        self.system.setCurrentIndex(max(0, self.system.findData(system)))
        self.dim = QSlider(Qt.Orientation.Horizontal)
        self.dim.setRange(0, 90)
        self.dim.setValue(round(dim * 100))
        self.dim.setToolTip(self.tr("How much the photo is darkened around the displayed climb"))
        self.outline = QDoubleSpinBox()
        self.outline.setRange(1.0, 6.0)
        self.outline.setSingleStep(0.5)
        self.outline.setSuffix(self.tr(" px"))
        self.outline.setValue(outline)
        form = QFormLayout(self)
        form.addRow("Grade system", self.system)
        form.addRow("Dim the wall", self.dim)
        form.addRow("Outline width", self.outline)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        form.addRow(buttons)
        self.system.currentIndexChanged.connect(lambda _i: self.gradeSystemChanged.emit(self.system.currentData()))
        self.dim.valueChanged.connect(lambda v: self.dimChanged.emit(v / 100))
        self.outline.valueChanged.connect(self.outlineChanged)
