"""The transport bar: seek slider under the user's hand, interpolation, volume."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import TrackKind
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.transport import TransportBar
from tests.helpers.fake_services import FakeController, FakeLibraryService

_hosts: list[QWidget] = []


@pytest.fixture(autouse=True)
def _drop_hosts() -> Iterator[None]:
    yield
    _hosts.clear()


def make_bar(qtbot: QtBot, controller: FakeController, registry: ActionRegistry) -> TransportBar:
    # Hosted in a window with a fixed minimum size: the offscreen platform warns when a
    # top-level window's size hints change after it is shown.
    host = QWidget()
    host.setMinimumSize(1000, 60)
    QVBoxLayout(host).addWidget(bar := TransportBar(controller, registry))
    qtbot.addWidget(host)
    _hosts.append(host)  # qtbot only holds a weak reference
    host.show()
    qtbot.waitExposed(host)
    return bar


def start_track(controller: FakeController, library: FakeLibraryService) -> None:
    playlist = library.playlists()[1]
    controller.play_track(playlist.uid, playlist.tracks[10].uid)  # 60 s + 10 * 7.9 s


def test_slider_does_not_jump_while_dragged(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> None:
    bar = make_bar(qtbot, controller, registry)
    start_track(controller, library)
    controller.set_position(20_000)
    assert bar.slider.value() == 20_000
    bar.slider.setSliderDown(True)
    bar.slider.setSliderPosition(90_000)
    controller.set_position(21_000)
    controller.set_position(22_000)
    assert bar.slider.value() == 90_000  # the user's hand wins
    assert bar.elapsed.text() == "1:30"
    with qtbot.waitSignal(bar.seek_requested) as blocker:
        bar.slider.setSliderDown(False)
    assert blocker.args == [90_000]
    assert controller.calls[-1] == ("seek", 90_000)


def test_stale_position_after_seek_is_ignored(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> None:
    bar = make_bar(qtbot, controller, registry)
    start_track(controller, library)
    bar.slider.setSliderDown(True)
    bar.slider.setSliderPosition(100_000)
    bar.slider.setSliderDown(False)
    controller.position_changed.emit(5_000)  # reported before the engine took the seek
    assert bar.slider.value() >= 100_000


def test_click_jumps_to_position(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> None:
    bar = make_bar(qtbot, controller, registry)
    start_track(controller, library)
    slider = bar.slider
    middle = QPoint(slider.width() // 2, slider.height() // 2)
    with qtbot.waitSignal(bar.seek_requested) as blocker:
        QTest.mouseClick(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    assert abs(blocker.args[0] - slider.maximum() // 2) < slider.maximum() // 10


def test_bar_has_no_timer_of_its_own(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> None:
    # The controller's once-a-second report (polled only while playing and watched) is the
    # window's only wake-up during playback; a second timer here doubled the repaints.
    bar = make_bar(qtbot, controller, registry)
    start_track(controller, library)
    bar.set_watched(True)
    assert bar.findChildren(QTimer) == []
    controller.set_position(10_000)
    assert (bar.slider.value(), bar.elapsed.text()) == (10_000, "0:10")


def test_watched_again_shows_the_position_at_once(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> None:
    bar = make_bar(qtbot, controller, registry)
    start_track(controller, library)
    bar.set_watched(False)
    controller.blockSignals(True)  # hidden: no reports reach the bar
    controller.set_position(95_000)
    controller.blockSignals(False)
    assert bar.elapsed.text() == "0:00"
    bar.set_watched(True)
    assert (bar.slider.value(), bar.elapsed.text()) == (95_000, "1:35")


def test_slider_moves_by_whole_pixels_while_the_clock_moves_every_second(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> None:
    bar = make_bar(qtbot, controller, registry)
    start_track(controller, library)
    controller.set_position(10_000)
    step = bar.slider.value_per_pixel()
    assert step > 100  # a 139 s track on a few hundred pixels
    controller.set_position(10_000 + int(step / 2))  # less than a pixel: no repaint
    assert bar.slider.value() == 10_000
    controller.set_position(11_000 + int(step))
    assert bar.slider.value() == 11_000 + int(step)
    assert bar.elapsed.text() == "0:11"


def test_time_labels_have_a_fixed_size_that_fits_hours(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
) -> None:
    # Fixed in both directions, so a new text repaints the label without relayouting the
    # window; wide enough for h:mm:ss.
    bar = make_bar(qtbot, controller, registry)
    for label in (bar.elapsed, bar.total):
        assert label.minimumSize() == label.maximumSize()
        size = label.size()
        label.setText("9:59:59")
        assert label.size() == size
        assert label.fontMetrics().horizontalAdvance("9:59:59") <= label.contentsRect().width()


def test_volume_slider_and_controller(
    qtbot: QtBot, controller: FakeController, registry: ActionRegistry
) -> None:
    bar = make_bar(qtbot, controller, registry)
    assert bar.volume.value() == 50
    controller.set_volume(70)
    assert bar.volume.value() == 70
    controller.calls.clear()
    bar.volume.setValue(30)
    assert controller.calls == [("set_volume", 30)]
    assert controller.volume == 30


@pytest.mark.parametrize(("kind", "shown"), [(TrackKind.RADIO, "live"), (TrackKind.LOCAL, "--:--")])
def test_a_track_without_a_length_cannot_be_sought_and_says_why(
    qtbot: QtBot,
    controller: FakeController,
    library: FakeLibraryService,
    registry: ActionRegistry,
    kind: TrackKind,
    shown: str,
) -> None:
    # A local file's length unknown yet: not the last track's, or a corrupt file libVLC
    # probes for a while seemed to play it.
    bar = make_bar(qtbot, controller, registry)
    playlist = library.playlists()[1]
    controller.play_track(playlist.uid, playlist.tracks[0].uid)
    assert bar.slider.isEnabled() and bar.total.text() not in ("", "--:--", "live")
    controller.set_track(playlist.tracks[1].with_changes(kind=kind, duration_ms=None))
    assert not bar.slider.isEnabled()
    assert bar.total.text() == shown
