"""File → New wall from a photo: the dialog asking for the photo, the gym/wall/face names, the feet
rules (the four defaults offered, plus any of the person's own) and the symmetry flag.

The dialog only collects values (`values()`); `install` runs `edits.walls.new_wall` with them on a
worker thread, so a bad photo's message comes back from the operation itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mastoc.edits.walls import DEFAULT_FEET_RULES, DEFAULT_GYM


@dataclass
class NewWallValues:
    photo: str
    gym: str
    wall: str
    face: str
    feet_rules: list[str] = field(default_factory=list)
    symmetric: bool = False


class NewWallDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, photo: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New wall from a photo"))
        self.photo = QLineEdit(photo)
        self.photo.setPlaceholderText(self.tr("A JPEG, PNG or HEIC photo of the wall"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self.choose_photo)
        row = QHBoxLayout()
        row.addWidget(self.photo, 1)
        row.addWidget(browse)
        self.gym = QLineEdit(DEFAULT_GYM)
        self.wall = QLineEdit()
        self.wall.setPlaceholderText(self.tr("e.g. Garage board"))
        self.face = QLineEdit()
        self.face.setPlaceholderText(self.tr("the wall's name when empty"))
        labels = {
            "All feet": self.tr("All feet"),
            "Hand holds as feet": self.tr("Hand holds as feet"),
            "No feet": self.tr("No feet"),
            "Defined feet": self.tr("Defined feet"),
        }
        self.rule_boxes: dict[str, QCheckBox] = {}
        rules = QVBoxLayout()
        for rule in DEFAULT_FEET_RULES:
            box = QCheckBox(labels.get(rule, rule))
            box.setChecked(True)
            self.rule_boxes[rule] = box
            rules.addWidget(box)
        self.other_rules = QLineEdit()
        self.other_rules.setPlaceholderText(self.tr("other rules, separated by commas"))
        rules.addWidget(self.other_rules)
        self.symmetric = QCheckBox(self.tr("The wall is symmetric (climbs can be mirrored)"))
        form = QFormLayout()
        form.addRow(self.tr("Photo"), row)
        form.addRow(self.tr("Gym"), self.gym)
        form.addRow(self.tr("Wall"), self.wall)
        form.addRow(self.tr("Face"), self.face)
        form.addRow(self.tr("Feet rules"), rules)
        form.addRow("", self.symmetric)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create the wall"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.photo.textChanged.connect(self._suggest_name)
        self.wall.textChanged.connect(self._update_ok)
        self._suggest_name(photo)
        self._update_ok()

    def choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Photo of the wall"), str(Path.home()),
                                              self.tr("Photos (*.jpg *.jpeg *.png *.heic *.heif);;All files (*)"))
        if path:
            self.photo.setText(path)

    def _suggest_name(self, text: str) -> None:
        if text and not self.wall.text():
            self.wall.setText(Path(text).stem.replace("_", " ").strip().capitalize())

    def _update_ok(self) -> None:
        ok = bool(self.photo.text().strip() and self.wall.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def _accept(self) -> None:
        if self.photo.text().strip() and self.wall.text().strip():
            self.accept()

    def values(self) -> NewWallValues:
        rules = [rule for rule, box in self.rule_boxes.items() if box.isChecked()]
        rules += [r.strip() for r in self.other_rules.text().split(",") if r.strip()]
        wall = self.wall.text().strip()
        return NewWallValues(photo=self.photo.text().strip(), gym=self.gym.text().strip(), wall=wall,
                             face=self.face.text().strip() or wall, feet_rules=rules,
                             symmetric=self.symmetric.isChecked())
