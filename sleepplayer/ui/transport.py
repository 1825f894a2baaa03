"""The transport bar: previous / play-pause / next, seek slider with times, repeat, shuffle, volume.

The seek slider is driven by the controller's coarse ``position_changed`` and interpolated
locally by a timer that runs only while playing and while the window is watched, so a paused or
hidden window costs nothing. A slider held by the user is never moved by updates; the seek goes
out once, on release.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QWidget,
)

from sleepplayer.core.model import Track, TrackKind
from sleepplayer.core.text import format_ms
from sleepplayer.playback.backend import PlayerState
from sleepplayer.services.controller import PlaybackController
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.icons import icon_size

#: After a seek, position reports far from the target are stale for this long.
_SEEK_SETTLE_MS = 1000
_SEEK_TOLERANCE_MS = 2000


#: How often the elapsed time and the handle move between the controller's reports.
TICK_MS = 1000


class SeekSlider(QSlider):
    """A horizontal slider where a click jumps straight to the clicked spot (then drags)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the window shortcuts

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.isEnabled():
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            style = self.style()
            control = QStyle.ComplexControl.CC_Slider
            handle = style.subControlRect(control, opt, QStyle.SubControl.SC_SliderHandle, self)
            if not handle.contains(event.position().toPoint()):
                groove = style.subControlRect(control, opt, QStyle.SubControl.SC_SliderGroove, self)
                x = round(event.position().x() - handle.width() / 2 - groove.x())
                span = groove.width() - handle.width()
                value = QStyle.sliderValueFromPosition(
                    self.minimum(), self.maximum(), x, span, opt.upsideDown
                )
                self.setValue(value)
                # The handle is now under the pointer, so the base class starts a drag.
        super().mousePressEvent(event)


class TransportBar(QWidget):
    """Buttons come from the action registry, so their icons and tooltips follow its state."""

    #: The user released the seek slider at this position (also sent to the controller).
    seek_requested = Signal(int)

    def __init__(
        self,
        controller: PlaybackController,
        actions: ActionRegistry,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transportBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._controller = controller
        self._watched = False
        self._playing = False
        self._track_uid: str | None = None
        self._base_ms = 0
        self._clock = QElapsedTimer()
        self._clock.start()
        self._seek_target: int | None = None
        self._seek_clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._on_tick_timeout)

        self.previous_button = self._button(actions["previous"], 20)
        self.play_button = self._button(actions["play_pause"], 26)
        self.play_button.setObjectName("playButton")
        self.next_button = self._button(actions["next"], 20)
        self.repeat_button = self._button(actions["repeat"], 18)
        self.shuffle_button = self._button(actions["shuffle"], 18)
        self.mute_button = self._button(actions["mute"], 18)

        self.slider = SeekSlider()
        self.slider.setMinimumWidth(160)
        self.slider.sliderReleased.connect(self._on_slider_released)
        self.slider.sliderMoved.connect(self._show_elapsed)
        self.elapsed = self._time_label(Qt.AlignmentFlag.AlignRight)
        self.total = self._time_label(Qt.AlignmentFlag.AlignLeft)

        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volumeSlider")
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(110)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.valueChanged.connect(self._on_volume_value_changed)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 16, 10)
        layout.setSpacing(6)
        for widget in (self.previous_button, self.play_button, self.next_button):
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addWidget(self.elapsed)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.total)
        layout.addSpacing(12)
        for widget in (self.repeat_button, self.shuffle_button):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(self.mute_button)
        layout.addWidget(self.volume)

        controller.state_changed.connect(self._on_controller_state_changed)
        controller.track_changed.connect(self._on_controller_track_changed)
        controller.position_changed.connect(self._on_controller_position_changed)
        controller.duration_changed.connect(self._on_controller_duration_changed)
        controller.volume_changed.connect(self._on_controller_volume_changed)
        self._on_controller_volume_changed(controller.volume)
        self._on_controller_track_changed(controller.current_track)
        self._on_controller_duration_changed(controller.duration_ms())
        self._base_ms = controller.position_ms()
        self._on_controller_state_changed(int(controller.state))

    # --- visibility decides whether the interpolation timer may run
    def set_watched(self, watched: bool) -> None:
        """The window is visible and not minimised."""
        self._watched = watched
        self._update_tick()
        if watched:
            self._render(self._now_ms())

    def position_ms(self) -> int:
        """What the slider shows (the user's drag position while dragging)."""
        return self.slider.value()

    # --- controller signals
    def _on_controller_state_changed(self, state: int) -> None:
        self._base_ms = self._now_ms()  # freeze or resume interpolation from where it stands
        self._clock.restart()
        self._playing = state == PlayerState.PLAYING
        self._update_tick()

    def _on_controller_track_changed(self, track: Track | None) -> None:
        live = track is not None and track.kind is TrackKind.RADIO
        duration = self._controller.duration_ms()
        self.total.setText("live" if live else format_ms(duration))
        uid = track.uid if track is not None else None
        if uid == self._track_uid:
            return  # the same track with updated details: keep the position
        self._track_uid = uid
        self._base_ms = self._controller.position_ms()
        self._clock.restart()
        self._seek_target = None
        self._render(self._base_ms)

    def _on_controller_duration_changed(self, duration_ms: int) -> None:
        self.slider.setRange(0, max(0, duration_ms))
        self.slider.setEnabled(duration_ms > 0)
        if duration_ms > 0:
            self.total.setText(format_ms(duration_ms))
        # Once a second, like the clock beside it: a smoother handle costs a repaint every
        # tick, and that doubled the CPU use of playback with the window shown (make bench).
        self._tick.setInterval(TICK_MS)
        self._render(self._now_ms())

    def _on_controller_position_changed(self, position_ms: int) -> None:
        if self._seek_target is not None:
            elapsed = self._seek_clock.elapsed()
            if elapsed >= _SEEK_SETTLE_MS:
                self._seek_target = None
            elif abs(position_ms - (self._seek_target + elapsed)) > _SEEK_TOLERANCE_MS:
                return  # a report from before our seek: showing it would jump back
        self._base_ms = position_ms
        self._clock.restart()
        self._render(position_ms)

    def _on_controller_volume_changed(self, volume: int) -> None:
        self.volume.blockSignals(True)  # reflecting the controller is not a user change
        self.volume.setValue(volume)
        self.volume.blockSignals(False)
        self.volume.setToolTip(f"Volume {volume}%")

    # --- user input
    def _on_slider_released(self) -> None:
        target = self.slider.value()
        self._seek_target = target
        self._seek_clock.restart()
        self._base_ms = target
        self._clock.restart()
        self._controller.seek(target)
        self.seek_requested.emit(target)

    def _on_volume_value_changed(self, value: int) -> None:
        self._controller.set_volume(value)

    def _on_tick_timeout(self) -> None:
        self._render(self._now_ms())

    # --- helpers
    def _now_ms(self) -> int:
        if not self._playing:
            return self._base_ms
        now = self._base_ms + self._clock.elapsed()
        return min(now, self.slider.maximum()) if self.slider.maximum() > 0 else now

    def _update_tick(self) -> None:
        if self._playing and self._watched:
            self._tick.start()
        else:
            self._tick.stop()

    def _render(self, position_ms: int) -> None:
        if self.slider.isSliderDown():
            return  # the user holds the handle; their position wins
        self.slider.setValue(position_ms)
        self._show_elapsed(position_ms)

    def _show_elapsed(self, position_ms: int) -> None:
        text = format_ms(position_ms)
        if text != self.elapsed.text():
            self.elapsed.setText(text)

    def _button(self, action: QAction, size: int) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setIconSize(icon_size(size))
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        return button

    def _time_label(self, align: Qt.AlignmentFlag) -> QLabel:
        label = QLabel("0:00")
        label.setObjectName("timeLabel")
        label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        # Wide enough for h:mm:ss so the slider does not shift as digits change.
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance("0:00:00") + 4)
        return label
