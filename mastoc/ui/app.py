"""Start the desktop app: QApplication, the store (demo wall on first start), the main window.

Also the `--screenshot` mode: show a climb, render the window to a PNG once the wall is painted, exit.
Heavy modules are imported inside `run` so `mastoc --help` stays fast (P10).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mastoc.cli.errors import EXIT_ERROR, EXIT_NOT_FOUND

SCREENSHOT_TIMEOUT_MS = 60_000


# Messages Qt's own platform plugins print on every start that tell the user nothing.
_NOISE = ("does not support propagateSizeHints",)


def _quiet_platform_noise() -> None:
    """Drop Qt's known platform-plugin noise from stderr; every other Qt message is still printed."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode: object, _context: object, message: str) -> None:
        if not any(n in message for n in _NOISE):
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def run(
    data_dir: str | Path | None = None,
    screenshot: str | Path | None = None,
    climb: str | None = None,
    size: tuple[int, int] | None = None,
    argv: list[str] | None = None,
) -> int:
    import os

    headless = sys.platform.startswith("linux") and not (
        os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        if screenshot is None:
            print("mastoc: no display (DISPLAY and WAYLAND_DISPLAY are unset): start it in a desktop session, "
                  "or use --screenshot FILE.png", file=sys.stderr)
            return EXIT_ERROR
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    if QApplication.instance() is None:
        _quiet_platform_noise()
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("mastoc")
    app.setOrganizationName("mastoc")

    from mastoc.ui import first_start, store_dialogs
    from mastoc.ui.main_window import MainWindow

    # a second app, a read-only or a damaged store: said, and opened read-only or rescued (store_dialogs)
    opened = store_dialogs.open_for_app(data_dir, interactive=screenshot is None)
    if opened is None:
        return EXIT_ERROR
    store = opened.store
    if not store.readonly:
        try:
            first_start.ensure_demo(store)
        except Exception as exc:  # operation boundary: the app still opens, with a message
            print(f"mastoc: could not load the demo wall: {exc}", file=sys.stderr)

    if climb is not None and store.climb(climb) is None:
        print(f"mastoc: no climb {climb}", file=sys.stderr)
        store.close()
        return EXIT_NOT_FOUND

    window = MainWindow(store)
    if opened.notice:
        from PySide6.QtWidgets import QLabel

        window.statusBar().addPermanentWidget(QLabel(opened.notice))
    if climb is not None:
        window._pending_climb = climb
    result = {"code": 0}

    if screenshot is not None:
        out = Path(screenshot)
        window.resize(*(size or (1280, 800)))
        window.save_preferences = lambda: None  # a screenshot must not change the user's preferences

        def shoot() -> None:
            window.view.fit()
            window.view.viewport().repaint()
            image = window.grab()
            out.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(out), "PNG"):
                print(f"mastoc: could not write {out}", file=sys.stderr)
                result["code"] = EXIT_ERROR
            window.close()
            app.quit()

        def timeout() -> None:
            print("mastoc: the wall did not load in time", file=sys.stderr)
            result["code"] = EXIT_ERROR
            app.quit()

        window.ready.connect(lambda: QTimer.singleShot(50, shoot))
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, timeout)
    elif size is not None:
        window.resize(*size)

    if opened.check_later and screenshot is None:  # a big store: its integrity check waits for the paint
        from mastoc.store import startup_check

        def check_store() -> None:
            window.tasks.submit(startup_check.check_in_background, store.directory, key="store-check",
                                on_done=lambda reason: reason and store_dialogs.say_damaged_later(window, reason))

        window.ready.connect(check_store)
    window.start()  # submits the face load to a worker right away; it decodes while the window shows
    window.show()
    code = app.exec()
    window.tasks.wait(10_000)
    store.close()
    if opened.lock is not None:
        opened.lock.release()
    return result["code"] or int(code)
