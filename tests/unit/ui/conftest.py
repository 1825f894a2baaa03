"""UI tests run offscreen against the fake services."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist
from sleepplayer.core.settings import Settings
from sleepplayer.services.builtin_sounds import builtin_tracks
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.main_window import MainWindow
from sleepplayer.ui.theme import apply_theme
from tests.helpers.fake_services import (
    FakeController,
    FakeLibraryService,
    FakeSleepTimer,
    make_tracks,
)


@pytest.fixture
def playlists() -> list[Playlist]:
    return [
        Playlist("Sleep sounds", builtin_tracks(), builtin=True),
        Playlist("Evening", make_tracks(40, "Whisper")),
        Playlist("Empty"),
    ]


@pytest.fixture
def library(playlists: list[Playlist]) -> FakeLibraryService:
    return FakeLibraryService(Library(playlists, playlists[1].uid))


@pytest.fixture
def controller(library: FakeLibraryService) -> FakeController:
    return FakeController(library)


@pytest.fixture
def registry(qapp: QApplication, controller: FakeController) -> ActionRegistry:
    return ActionRegistry(controller)


@pytest.fixture
def window(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> Iterator[MainWindow]:
    win = MainWindow(controller, library, registry)
    qtbot.addWidget(win)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    yield win


@pytest.fixture
def sleep_timer(qapp: QApplication) -> FakeSleepTimer:
    return FakeSleepTimer()


@pytest.fixture
def timer_window(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
    sleep_timer: FakeSleepTimer,
) -> Iterator[MainWindow]:
    """A main window with a sleep timer, as the app builds it."""
    win = MainWindow(controller, library, registry, sleep_timer=sleep_timer, settings=Settings())
    qtbot.addWidget(win)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    yield win


@pytest.fixture
def themed_app(qapp: QApplication) -> Iterator[QApplication]:
    """The app's dark theme (palette and style sheet), undone afterwards for other tests."""
    from sleepplayer.ui import icons, theme

    style = qapp.style().name()
    theme.apply_theme(qapp, "dark")
    yield qapp
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setPalette(qapp.style().standardPalette())
    icons.reset()


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[None]:
    """The night theme (palette and style sheet), and the system's again after the test."""
    apply_theme(qapp, "dark")
    yield
    apply_theme(qapp, "system")
