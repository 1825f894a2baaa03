"""The countdown dial and the fade-curve plots paint, differ by state, and stay still."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from sleepplayer.core.sleep_plan import EndAction, FadeCurve, SleepMode, SleepPlan
from sleepplayer.services.sleep_timer import TimerPhase
from sleepplayer.ui.countdown_dial import (
    CountdownDial,
    DialState,
    dial_state,
    end_verb,
    left_words,
)
from sleepplayer.ui.fade_plot import FadeCurveButton, FadePlot, curve_points, gain_db
from tests.helpers.fake_services import FakeSleepTimer

ARMED = DialState(TimerPhase.ARMED, remaining_s=23 * 60 + 14, fade_s=600, caption="pauses 23:45")
FADING = DialState(TimerPhase.FADING, remaining_s=300, fade_s=600, gain_pct=40,
                   caption="pauses 23:45")  # fmt: skip


def image(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def colours(img: QImage) -> set[int]:
    step = max(1, img.width() // 40)
    return {
        img.pixel(x, y) for x in range(0, img.width(), step) for y in range(0, img.height(), step)
    }


def test_dial_paints_each_state_differently(qtbot: QtBot) -> None:
    dial = CountdownDial()
    qtbot.addWidget(dial)
    idle = image(dial)
    dial.set_state(ARMED)
    armed = image(dial)
    dial.set_state(FADING)
    fading = image(dial)
    assert len(colours(armed)) > 5  # an arc and text, not a blank square
    assert idle != armed and armed != fading and fading != idle
    assert dial.time_text() == "5:00"
    assert "fading, volume at 40 %" in dial.toolTip()


def test_dial_repaints_only_on_change(qtbot: QtBot) -> None:
    dial = CountdownDial()
    qtbot.addWidget(dial)
    dial.show()
    qtbot.waitExposed(dial)
    dial.set_state(ARMED)
    qtbot.waitUntil(lambda: dial.paint_count > 0 and dial.state() == ARMED)
    dial.repaint()
    painted = dial.paint_count
    for _ in range(5):
        dial.set_state(DialState(**ARMED.__dict__))  # an equal value: nothing to draw
        QTest.qWait(0)
    assert dial.paint_count == painted
    dial.set_state(FADING)
    qtbot.waitUntil(lambda: dial.paint_count > painted)


def test_compact_dial_is_just_the_arc(qtbot: QtBot) -> None:
    dial = CountdownDial()
    qtbot.addWidget(dial)
    dial.setFixedSize(56, 56)
    dial.set_state(ARMED)
    assert len(colours(image(dial))) > 3


def test_dial_state_reads_the_timer(sleep_timer: FakeSleepTimer) -> None:
    assert dial_state(sleep_timer) == DialState()
    sleep_timer.arm(SleepPlan(duration_s=45 * 60, fade_s=90, end_action=EndAction.STOP))
    state = dial_state(sleep_timer)
    assert (state.phase, state.remaining_s, state.fade_s) == (TimerPhase.ARMED, 2700, 90)
    assert state.caption == "stops 23:45"
    sleep_timer.set_state(TimerPhase.FADING, remaining_s=29.2, gain=0.333)
    state = dial_state(sleep_timer)
    assert (state.remaining_s, state.gain_pct) == (30, 33)  # whole seconds, rounded up
    sleep_timer.arm(SleepPlan(mode=SleepMode.END_OF_TRACK))
    assert dial_state(sleep_timer).remaining_s is None


def test_a_track_count_shows_how_many_tracks_are_to_go(
    qtbot: QtBot, sleep_timer: FakeSleepTimer
) -> None:
    """The trial: the big text said just "track" for "after 3 tracks"."""
    sleep_timer.arm(SleepPlan(SleepMode.AFTER_TRACKS, tracks=3, end_action=EndAction.STOP))
    dial = CountdownDial()
    qtbot.addWidget(dial)
    dial.set_state(dial_state(sleep_timer))
    assert dial.time_text() == "3 tracks"
    assert dial.toolTip() == "Sleep timer: 3 tracks to go, then stops"
    dial.show()
    qtbot.waitExposed(dial)
    qtbot.waitUntil(lambda: dial.drawn_captions != [])
    assert dial.drawn_captions == ["then stops"]  # drawn whole, not elided
    sleep_timer.arm(SleepPlan(SleepMode.END_OF_TRACK))  # a stream: its end has no time
    dial.set_state(dial_state(sleep_timer))
    assert dial.time_text() == "1 track"


def test_words() -> None:
    assert left_words(23 * 60 + 14) == "24 min left"
    assert left_words(5) == left_words(60) == "under 1 min left"
    assert left_words(61) == "2 min left"
    assert left_words(65 * 60) == "1 h 05 min left"
    assert end_verb(EndAction.PAUSE) == "pauses"


def test_fade_plot_draws_each_curve(qtbot: QtBot) -> None:
    plot = FadePlot()
    qtbot.addWidget(plot)
    plot.resize(plot.sizeHint())
    pictures = []
    for curve in FadeCurve:
        plot.set_curve(curve)
        pictures.append(image(plot))
        assert len(colours(pictures[-1])) > 3
        assert curve.name.title() in plot.toolTip()
    assert all(pictures[i] != pictures[j] for i in range(len(pictures)) for j in range(i))


def test_curve_points_in_db() -> None:
    gentle = curve_points(FadeCurve.GENTLE, 10)
    assert gentle[0] == (0.0, 0.0) and gentle[-1] == (1.0, 1.0)
    # Gentle is linear in dB: the middle of the fade is -25 dB of a -60 dB plot.
    assert abs(gentle[5][1] - 25 / 60) < 1e-9
    assert gain_db(0.0) == gain_db(-1.0) == -60.0
    assert all(b[1] >= a[1] for a, b in itertools.pairwise(gentle))


def test_curve_buttons_pick_with_arrow_keys(qtbot: QtBot) -> None:
    box = QWidget()
    qtbot.addWidget(box)
    row = QHBoxLayout(box)
    buttons = [FadeCurveButton(curve) for curve in FadeCurve]
    for button in buttons:
        row.addWidget(button)
    buttons[0].setChecked(True)
    row.activate()  # sizes settle before the window exists
    with qtbot.waitActive(box):
        box.show()
        box.activateWindow()
    buttons[0].setFocus()
    qtbot.waitUntil(buttons[0].hasFocus)
    QTest.keyClick(buttons[0], Qt.Key.Key_Right)
    assert buttons[1].isChecked() and not buttons[0].isChecked()
    assert image(buttons[1]) != image(buttons[0])


def test_after_the_end_the_dial_says_ended_not_track(
    qtbot: QtBot, sleep_timer: FakeSleepTimer
) -> None:
    """The trial: in the grace minute after a duration timer the dial read "track" and its
    caption was cut ("any shortcut r...")."""
    sleep_timer.arm(SleepPlan(duration_s=45 * 60, fade_s=90))
    sleep_timer.set_state(TimerPhase.GRACE)
    dial = CountdownDial()
    qtbot.addWidget(dial)
    dial.set_state(dial_state(sleep_timer))
    assert dial.time_text() == "ended"
    assert "resumes" in dial.toolTip()
    dial.show()
    qtbot.waitExposed(dial)
    qtbot.waitUntil(lambda: dial.drawn_captions != [])
    assert dial.drawn_captions == [dial.state().caption]  # drawn whole, not elided
