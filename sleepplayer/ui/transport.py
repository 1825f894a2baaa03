"""The transport bar: previous / play-pause / next, seek slider with times, repeat, shuffle, volume.

The bar has no timer of its own: it follows the controller's ``position_changed``, which comes
once a second while playing and while the window is watched (the controller interpolates
between the engine's updates), so a paused or hidden window costs nothing and a shown one wakes
once a second, not twice. Each update repaints as little as it can: the time labels have a fixed
size, so a new text never relayouts the window, and the slider skips the repaint while its handle
stays on the same pixel (a one-hour track moves it a pixel every few seconds). A slider held by
the user is never moved by updates; the seek goes out once, on release.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QSize, Qt, Signal
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
from sleepplayer.core.text import format_ms, length_text
from sleepplayer.services.controller import PlaybackController
from sleepplayer.ui.actions import ActionRegistry
from sleepplayer.ui.icons import icon_size

#: After a seek, position reports far from the target are stale for this long.
_SEEK_SETTLE_MS = 1000
_SEEK_TOLERANCE_MS = 2000


class SeekSlider(QSlider):
    """A horizontal slider where a click jumps straight to the clicked spot (then drags)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the window shortcuts

    def value_per_pixel(self) -> float:
        """How far the value moves for the handle to move about one pixel."""
        return (self.maximum() - self.minimum()) / max(1, self.width())

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


class VolumeSlider(QSlider):
    """110 px wide where there is room; in a narrow window it gives way (to 64 px) along with
    the seek bar, instead of keeping its width while the seek bar is squeezed."""

    WIDTH = 110
    MINIMUM_WIDTH = 64

    def sizeHint(self) -> QSize:
        return QSize(self.WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.MINIMUM_WIDTH, super().minimumSizeHint().height())


class TimeLabel(QLabel):
    """A clock label of fixed size (wide enough for h:mm:ss), so a new text repaints the label
    alone: a label that may change size makes the whole window recompute its layout."""

    def __init__(self, align: Qt.AlignmentFlag) -> None:
        super().__init__("0:00")
        self.setObjectName("timeLabel")
        self.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        self.setAutoFillBackground(True)  # opaque: see TransportBar
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        # Fixed in both directions: only then does a new text skip the layout (Qt checks
        # minimum == maximum size before it invalidates the parent's layout).
        width = self.fontMetrics().horizontalAdvance("0:00:00") + 4
        self.setFixedSize(QSize(width, super().sizeHint().height()))


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
        self._track_uid: str | None = None
        self._seek_target: int | None = None
        self._seek_clock = QElapsedTimer()

        self.previous_button = self._button(actions["previous"], 20)
        self.play_button = self._button(actions["play_pause"], 26)
        self.play_button.setObjectName("playButton")
        self.next_button = self._button(actions["next"], 20)
        self.repeat_button = self._button(actions["repeat"], 18)
        self.shuffle_button = self._button(actions["shuffle"], 18)
        self.mute_button = self._button(actions["mute"], 18)

        self.slider = SeekSlider()
        # Narrow enough that the whole bar fits the window's smallest width (640 px).
        self.slider.setMinimumWidth(120)
        # The clocks and the slider fill their own background (the palette's Window colour,
        # which is the bar's too), so their once-a-second repaint skips the bar and the
        # window behind them: about 8 % less CPU per update, and the same pixels.
        self.slider.setAutoFillBackground(True)
        self.slider.sliderReleased.connect(self._on_slider_released)
        self.slider.sliderMoved.connect(self._show_elapsed)
        self.elapsed = TimeLabel(Qt.AlignmentFlag.AlignRight)
        self.total = TimeLabel(Qt.AlignmentFlag.AlignLeft)

        self.volume = VolumeSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volumeSlider")
        self.volume.setRange(0, 100)
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

    def set_watched(self, watched: bool) -> None:
        """The window is visible and not minimised: catch up with the position at once.
        (The controller reports it only while someone watches, see MainWindow.)"""
        if watched:
            self._render(self._controller.position_ms())

    def position_ms(self) -> int:
        """What the slider shows (the user's drag position while dragging)."""
        return self.slider.value()

    # --- controller signals
    def _on_controller_state_changed(self, _state: int) -> None:
        # Paused or resumed: show the exact position now instead of at the next report.
        self._on_controller_position_changed(self._controller.position_ms())

    def _on_controller_track_changed(self, track: Track | None) -> None:
        self.total.setText(self._total_text(self._controller.duration_ms()))
        uid = track.uid if track is not None else None
        if uid == self._track_uid:
            return  # the same track with updated details: keep the position
        self._track_uid = uid
        self._seek_target = None
        self._render(self._controller.position_ms())

    def _on_controller_duration_changed(self, duration_ms: int) -> None:
        self.slider.setRange(0, max(0, duration_ms))
        self.slider.setEnabled(duration_ms > 0)
        self.total.setText(self._total_text(duration_ms))
        self._render(self._controller.position_ms())

    def _on_controller_position_changed(self, position_ms: int) -> None:
        if self._seek_target is not None:
            elapsed = self._seek_clock.elapsed()
            if elapsed >= _SEEK_SETTLE_MS:
                self._seek_target = None
            elif abs(position_ms - (self._seek_target + elapsed)) > _SEEK_TOLERANCE_MS:
                return  # a report from before our seek: showing it would jump back
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
        self._controller.seek(target)
        self.seek_requested.emit(target)

    def _on_volume_value_changed(self, value: int) -> None:
        self._controller.set_volume(value)

    # --- helpers
    def _render(self, position_ms: int) -> None:
        if self.slider.isSliderDown():
            return  # the user holds the handle; their position wins
        # A repaint only when the handle moves a pixel (for a one-hour track, every few
        # seconds): a repaint is most of what a second of playback costs the window.
        if abs(position_ms - self.slider.value()) >= self.slider.value_per_pixel():
            self.slider.setValue(position_ms)
        self._show_elapsed(position_ms)

    def _total_text(self, duration_ms: int) -> str:
        # Never the last track's length: a file libVLC still probes would seem to play it.
        track = self._controller.current_track
        return length_text(duration_ms, live=track is not None and track.kind is TrackKind.RADIO)

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
