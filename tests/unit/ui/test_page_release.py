"""When the window app gives its start-up pages back, and which files' pages."""

from __future__ import annotations

from pathlib import Path

import PySide6
from PySide6.QtCore import QObject, Qt, Signal
from pytestqt.qtbot import QtBot

from sleepplayer.desktop.page_out import read_only_file_mappings
from sleepplayer.desktop.page_release import PageRelease, gui_stack_folders, gui_stack_mappings

ACTIVE = Qt.ApplicationState.ApplicationActive
INACTIVE = Qt.ApplicationState.ApplicationInactive


class _Application(QObject):
    """The application's state, as far as PageRelease listens."""

    applicationStateChanged = Signal(Qt.ApplicationState)


class _Release:
    """Counts the releases asked for."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return 4096


def _page_release(settle_ms: int, away_ms: int) -> tuple[PageRelease, _Release, _Application]:
    app, release = _Application(), _Release()
    pages = PageRelease(app.applicationStateChanged, release, settle_ms=settle_ms, away_ms=away_ms)
    return pages, release, app


def test_released_once_start_up_has_settled(qtbot: QtBot) -> None:
    pages, release, _ = _page_release(20, 60_000)
    with qtbot.waitSignal(pages.released, timeout=2000) as blocker:
        pass
    assert blocker.args == [4096]
    with qtbot.assertNotEmitted(pages.released, wait=100):  # once, not every 20 ms
        pass
    assert release.calls == 1


def test_released_when_left_for_a_while(qtbot: QtBot) -> None:
    pages, release, app = _page_release(60_000, 20)
    with qtbot.waitSignal(pages.released, timeout=2000):
        app.applicationStateChanged.emit(INACTIVE)
    assert release.calls == 1


def test_not_released_when_back_before_the_wait_is_over(qtbot: QtBot) -> None:
    pages, release, app = _page_release(60_000, 50)
    with qtbot.assertNotEmitted(pages.released, wait=200):
        app.applicationStateChanged.emit(INACTIVE)
        app.applicationStateChanged.emit(ACTIVE)
    assert release.calls == 0


def test_nothing_released_after_stop(qtbot: QtBot) -> None:
    pages, release, app = _page_release(20, 20)
    pages.stop()
    with qtbot.assertNotEmitted(pages.released, wait=200):
        app.applicationStateChanged.emit(INACTIVE)
    assert release.calls == 0


def _names(maps: str) -> list[str]:
    return [Path(m.path).name for m in gui_stack_mappings(read_only_file_mappings(maps))]


def _maps(*paths: str) -> str:
    return "".join(
        f"7f{i:04x}0000000-7f{i:04x}0001000 r-xp 00000000 08:01 {i} {path}\n"
        for i, path in enumerate(paths)
    )


def test_a_wheels_drawing_half_of_qt_is_chosen_and_nothing_the_audio_threads_run() -> None:
    pyside = gui_stack_folders()[0]
    assert pyside == str(Path(PySide6.__file__).resolve().parent)
    maps = _maps(
        f"{pyside}/Qt/lib/libQt6Gui.so.6",
        f"{pyside}/Qt/lib/libQt6Widgets.so.6",
        f"{pyside}/Qt/lib/libicuuc.so.73",
        f"{pyside}/Qt/plugins/platforms/libqxcb.so",
        f"{pyside}/QtGui.abi3.so",
        # What libVLC's threads run (the read and event callbacks):
        f"{pyside}/Qt/lib/libQt6Core.so.6",
        f"{pyside}/QtCore.abi3.so",
        f"{pyside}/libpyside6.abi3.so.6.11",
        f"{Path(pyside).parent}/shiboken6/libshiboken6.abi3.so.6.11",
        "/usr/lib/libpython3.11.so.1.0",
        "/usr/lib/python3.11/lib-dynload/_ctypes.cpython-311-x86_64-linux-gnu.so",
        # libVLC's plugins, had a bundle put them in Qt's folder:
        f"{pyside}/Qt/plugins/vlc/codec/libopus_plugin.so",
        f"{pyside}/Qt/lib/libpulse_plugin.so",
    )
    assert _names(maps) == [
        "libQt6Gui.so.6",
        "libQt6Widgets.so.6",
        "libicuuc.so.73",
        "libqxcb.so",
        "QtGui.abi3.so",
    ]


def test_a_distributions_qt_beside_libvlc_gives_only_qt() -> None:
    lib = "/usr/lib/x86_64-linux-gnu"
    maps = _maps(
        f"{lib}/libQt6Gui.so.6.4.2",
        f"{lib}/libQt6Core.so.6.4.2",
        f"{lib}/libvlc.so.5.6.1",
        f"{lib}/libvlccore.so.9.0.1",
        f"{lib}/vlc/plugins/codec/libavcodec_plugin.so",
        f"{lib}/vlc/plugins/audio_output/libpulse_plugin.so",
        f"{lib}/libavcodec.so.59",
        f"{lib}/libpulse.so.0.24.2",
        f"{lib}/libopus.so.0.8.0",
        f"{lib}/libc.so.6",
    )
    assert _names(maps) == ["libQt6Gui.so.6.4.2"]
