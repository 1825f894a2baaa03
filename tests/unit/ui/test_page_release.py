"""When the window app gives its start-up pages back: after settling, and after being left."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.desktop.page_release import PageRelease, gui_stack_mappings

ACTIVE = Qt.ApplicationState.ApplicationActive
INACTIVE = Qt.ApplicationState.ApplicationInactive


class _Release:
    """Counts the releases asked for."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return 4096


def test_released_once_start_up_has_settled(qtbot: QtBot, qapp: QApplication) -> None:
    release = _Release()
    pages = PageRelease(qapp, release, settle_ms=20, away_ms=60_000)
    with qtbot.waitSignal(pages.released, timeout=2000) as blocker:
        pass
    assert blocker.args == [4096]
    assert release.calls == 1
    qtbot.assertNotEmitted(pages.released, wait=100)  # once, not every 20 ms


def test_released_when_left_for_a_while(qtbot: QtBot, qapp: QApplication) -> None:
    release = _Release()
    pages = PageRelease(qapp, release, settle_ms=60_000, away_ms=20)
    with qtbot.waitSignal(pages.released, timeout=2000):
        qapp.applicationStateChanged.emit(INACTIVE)
    assert release.calls == 1


def test_not_released_when_back_before_the_wait_is_over(qtbot: QtBot, qapp: QApplication) -> None:
    release = _Release()
    pages = PageRelease(qapp, release, settle_ms=60_000, away_ms=50)
    with qtbot.assertNotEmitted(pages.released, wait=200):
        qapp.applicationStateChanged.emit(INACTIVE)
        qapp.applicationStateChanged.emit(ACTIVE)
    assert release.calls == 0


def test_the_gui_stack_is_qt_pyside_and_python_and_nothing_else() -> None:
    names = {Path(m.path).name for m in gui_stack_mappings()}
    assert {"libQt6Core.so.6", "libQt6Widgets.so.6"} <= names
    assert any(name.startswith("libshiboken6") for name in names)
    assert any(name.startswith("QtCore.") for name in names)  # PySide's binding
    assert any(name.startswith("_ctypes.") for name in names)  # Python's own modules
    # The C library is everyone's; libVLC's files are never chosen (see page_out).
    assert not [n for n in names if n.startswith(("libc.so", "libvlc", "libpulse"))]
