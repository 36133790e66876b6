"""Every user-visible string literal handed to a Qt widget in `mastoc/ui/` goes through Qt's
translation functions (`self.tr`, `QCoreApplication.translate` or a module's `_tr` helper).

The check reads the source (no Qt needed): a call of a text-setting method or a widget constructor
whose text argument is a bare string literal or f-string with letters in it is a finding.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "mastoc" / "ui"

# method or constructor name -> index of its text argument
TEXT_ARG = {
    "setText": 0, "setToolTip": 0, "setWindowTitle": 0, "setPlaceholderText": 0, "setStatusTip": 0,
    "setTitle": 0, "setWhatsThis": 0, "showMessage": 0, "addItem": 0, "addMenu": 0, "addAction": 0,
    "setLabelText": 0, "setSpecialValueText": 0, "setSuffix": 0, "setPrefix": 0, "setHeaderLabels": 0,
    "addTab": 1, "insertTab": 2, "setTabText": 1, "setTabToolTip": 1,
    "QLabel": 0, "QPushButton": 0, "QCheckBox": 0, "QRadioButton": 0, "QToolButton": 0,
    "QGroupBox": 0, "QAction": 0, "QMenu": 0,
    "information": 2, "warning": 2, "critical": 2, "question": 2,
}
# Names that stay the same in every language.
UNTRANSLATED = {"mastoc", "Stokt", "Railway"}
WORD = re.compile(r"[A-Za-z]{2,}")
TAG = re.compile(r"<[^>]*>")  # markup around a text is not text


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.IfExp):  # "a" if cond else "b": both branches count
        return " ".join(t for t in (_literal_text(node.body), _literal_text(node.orelse)) if t)
    return None


def _findings(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        idx = TEXT_ARG.get(name or "")
        if idx is None:
            continue
        arg = node.args[idx] if len(node.args) > idx else next(
            (k.value for k in node.keywords if k.arg in ("text", "title")), None)
        if arg is None:
            continue
        text = _literal_text(arg)
        words = TAG.sub("", text or "")
        if WORD.search(words) and words.strip() not in UNTRANSLATED:
            out.append(f"{path.name}:{node.lineno}: {name}({text!r})")
    return out


def test_ui_strings_go_through_translation() -> None:
    findings = [f for p in sorted(UI.rglob("*.py")) for f in _findings(p)]
    assert not findings, "strings shown to the user without tr():\n" + "\n".join(findings)


def test_the_check_finds_a_bare_string(tmp_path: Path) -> None:
    src = tmp_path / "w.py"
    src.write_text('b = QPushButton("Save")\nb.setToolTip(f"Hold {n} here")\n'
                   'ok = QLabel(self.tr("Fine"))\nm = QLabel("<b>■</b>")\nw.setWindowTitle("mastoc")\n'
                   'tabs.addTab(w, "Lists")\nt = QToolButton(text="Clear")\n')
    assert [f.split(": ", 1)[1] for f in _findings(src)] == [
        "QPushButton('Save')", "setToolTip('Hold  here')", "addTab('Lists')", "QToolButton('Clear')"]
