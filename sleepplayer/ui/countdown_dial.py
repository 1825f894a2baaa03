"""The countdown dial: a kitchen-timer face drawn with QPainter.

The face spans one hour, like a Time Timer: the arc runs clockwise from twelve o'clock and
shrinks back towards it as time passes, so how much is left reads at a glance in the dark.
Longer timers show a full ring until the last hour. The last ``fade_s`` of the arc (the part
that goes last) is the fade zone, drawn in a softer tone. While fading, the ring shows what is
left of the fade alone, in that softer tone, dimming with the gain, and the gain shows under
the time.

The dial has no timer of its own. It repaints only when :meth:`CountdownDial.set_state` gets a
value that looks different (whole seconds, whole percent of gain), and is driven by the sleep
timer's ``changed`` signal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from sleepplayer.core.sleep_plan import TIMER_OFF_TEXT, VERBS, EndAction
from sleepplayer.core.text import format_remaining
from sleepplayer.core.text import left_words as left_words  # the title and tray use it
from sleepplayer.services.sleep_timer import SleepTimer, TimerPhase

#: Seconds shown by a full ring.
FACE_S = 3600
#: Below this size the dial shows only the time.
_COMPACT_PX = 110


def end_verb(action: EndAction) -> str:
    """What happens at the end, as a lower-case verb: "pauses", "stops", "quits", "suspends"."""
    return VERBS[action].lower()


#: Above this many seconds left, the dial counts whole minutes.
SECONDS_SHOWN_BELOW = 600


@dataclass(frozen=True)
class DialState:
    """What the dial shows; equal states draw the same picture."""

    phase: TimerPhase = TimerPhase.IDLE
    #: Whole seconds to the end, or None when the end is a track count.
    remaining_s: int | None = None
    fade_s: int = 0
    #: Gain in whole percent (only drawn while fading).
    gain_pct: int = 100
    #: The small line under the time: "pauses 23:45", "then stops".
    caption: str = ""
    #: Track ends to go (the current track counts) while the end is a track's, of unknown time.
    tracks_left: int | None = None


def dial_state(timer: SleepTimer) -> DialState:
    """Read the timer into a :class:`DialState`."""
    phase = timer.phase
    plan = timer.plan
    if phase is TimerPhase.IDLE or plan is None:
        return DialState()
    remaining = timer.remaining_s()
    remaining_s = None if remaining is None else max(0, math.ceil(remaining))
    if remaining_s is not None and phase is TimerPhase.ARMED and remaining_s > SECONDS_SHOWN_BELOW:
        # Whole minutes until the last ten: a calm face, and one repaint a minute instead of
        # one a second (the armed timer's CPU cost is mostly this widget's repaints).
        remaining_s = math.ceil(remaining_s / 60) * 60
    deadline = timer.deadline
    if phase is TimerPhase.COUNTDOWN:
        caption = "going to sleep"
    elif phase is TimerPhase.GRACE:
        # Short enough for the dial; the panel's line beside it says the rest.
        caption = "a key resumes"
    elif deadline is not None:
        caption = f"{end_verb(plan.end_action)} {_clock_text(deadline)}"
    elif timer.tracks_left() is not None:
        caption = f"then {end_verb(plan.end_action)}"  # under "3 tracks"
    else:
        caption = timer.description()
    fading = phase is TimerPhase.FADING
    return DialState(
        phase=phase,
        remaining_s=remaining_s,
        fade_s=round(plan.fade_s),
        gain_pct=round(timer.fade_gain() * 100) if fading else 100,
        caption=caption,
        tracks_left=timer.tracks_left(),
    )


def _clock_text(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


class CountdownDial(QWidget):
    """Remaining time as an arc and text. Call :meth:`set_state`; it has no timer of its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countdownDial")
        self._state = DialState()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(160, 160)
        #: Paint events so far; tests use it to check that equal states do not repaint.
        self.paint_count = 0
        #: The small lines as last drawn, after eliding; tests check nothing is cut.
        self.drawn_captions: list[str] = []

    def state(self) -> DialState:
        return self._state

    def set_state(self, state: DialState) -> None:
        """Show ``state``; repaints only when it differs from what is shown."""
        if state != self._state:
            self._state = state
            self.setToolTip(self._tooltip())
            self.update()

    def sizeHint(self) -> QSize:
        return self.size()

    def time_text(self) -> str:
        """The big text: "23:14", "1:05:00", "ended" after the end, or "3 tracks" when the
        end is a track's end of unknown time."""
        s = self._state
        if s.phase is TimerPhase.IDLE:
            return "off"
        if s.phase is TimerPhase.GRACE:
            return "ended"  # the end action ran; only the grace minute is left
        if s.remaining_s is None:
            left = s.tracks_left or 1
            return "1 track" if left == 1 else f"{left} tracks"
        if s.phase is TimerPhase.ARMED and s.remaining_s > SECONDS_SHOWN_BELOW:
            return left_words(s.remaining_s).removesuffix(" left")
        return format_remaining(s.remaining_s)

    def _tooltip(self) -> str:
        s = self._state
        if s.phase is TimerPhase.IDLE:
            return TIMER_OFF_TEXT
        if s.phase is TimerPhase.GRACE:
            return "Sleep timer ended · any SleepPlayer key in the next minute resumes"
        if s.remaining_s is None:
            parts = [f"Sleep timer: {self.time_text()} to go, {s.caption}"]
        else:
            parts = [f"Sleep timer: {self.time_text()} left", s.caption]
        if s.phase is TimerPhase.FADING:
            parts.append(f"fading, volume at {s.gain_pct} %")
        return " · ".join(p for p in parts if p)

    # --- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        self.paint_count += 1
        s = self._state
        palette = self.palette()
        side = min(self.width(), self.height())
        compact = side < _COMPACT_PX
        ring_w = max(3.0, side * (0.075 if compact else 0.06))
        margin = ring_w / 2 + 2
        rect = QRectF(
            (self.width() - side) / 2 + margin,
            (self.height() - side) / 2 + margin,
            side - 2 * margin,
            side - 2 * margin,
        )
        accent = palette.color(QPalette.ColorRole.Highlight)
        track = palette.color(QPalette.ColorRole.Mid)
        text = palette.color(QPalette.ColorRole.Text)
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        fading = s.phase is TimerPhase.FADING

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        pen = QPen(track, ring_w)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawEllipse(rect)
        if not compact:
            self._paint_ticks(painter, rect, ring_w, track.lighter(135))

        if s.phase in (TimerPhase.ARMED, TimerPhase.FADING):
            main = accent.lighter(150)
            zone = _fade_zone_colour(accent, text)
            if fading:
                # The arc dims with the sound: what is left of the fade, at what gain.
                zone.setAlphaF(0.35 + 0.65 * s.gain_pct / 100)
            if s.remaining_s is None:
                self._arc(painter, rect, ring_w, 0, FACE_S, zone if fading else main)
            elif fading:
                # The face switches to the fade's own scale: a fade of a minute or two would
                # be a sliver on the hour face, and this is the part someone may look at.
                span = max(1, s.fade_s, s.remaining_s)
                self._arc(painter, rect, ring_w, 0, FACE_S * s.remaining_s / span, zone)
            else:
                left = min(s.remaining_s, FACE_S)
                fade = min(s.fade_s, left)
                self._arc(painter, rect, ring_w, fade, left, main)
                self._arc(painter, rect, ring_w, 0, fade, zone)
                if fade and s.fade_s < FACE_S and not fading:
                    self._fade_mark(painter, rect, ring_w, s.fade_s, dim)

        self._paint_text(painter, rect, compact, text, dim)
        painter.end()

    def _arc(
        self, painter: QPainter, rect: QRectF, width: float, from_s: float, to_s: float,
        colour: QColor,
    ) -> None:  # fmt: skip
        """Clockwise from twelve o'clock: the stretch between ``from_s`` and ``to_s``."""
        if to_s <= from_s:
            return
        pen = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        start = 90 - 360 * from_s / FACE_S  # Qt: degrees counter-clockwise from three o'clock
        span = -360 * (to_s - from_s) / FACE_S
        painter.drawArc(rect, round(start * 16), round(span * 16))

    def _fade_mark(
        self, painter: QPainter, rect: QRectF, width: float, at_s: float, colour: QColor
    ) -> None:
        """A hairline across the ring where the fade begins."""
        angle = math.radians(90 - 360 * at_s / FACE_S)
        centre = rect.center()
        radius = rect.width() / 2
        inner, outer = radius - width / 2 - 1, radius + width / 2 + 1
        direction = QPointF(math.cos(angle), -math.sin(angle))
        painter.setPen(QPen(colour, 1.2))
        painter.drawLine(centre + direction * inner, centre + direction * outer)

    def _paint_ticks(self, painter: QPainter, rect: QRectF, width: float, colour: QColor) -> None:
        """Twelve quiet ticks inside the ring, one per five minutes."""
        centre = rect.center()
        radius = rect.width() / 2 - width / 2 - 4
        painter.setPen(QPen(colour, 1.2))
        for i in range(12):
            angle = math.radians(90 - 30 * i)
            direction = QPointF(math.cos(angle), -math.sin(angle))
            length = 5.0 if i % 3 == 0 else 2.5
            painter.drawLine(centre + direction * radius, centre + direction * (radius - length))

    def _paint_text(
        self, painter: QPainter, rect: QRectF, compact: bool, text: QColor, dim: QColor
    ) -> None:
        s = self._state
        big = QFont(self.font())
        big.setPixelSize(max(10, round(rect.width() * (0.24 if compact else 0.2))))
        big.setWeight(QFont.Weight.Light)
        if s.remaining_s is None or s.phase is TimerPhase.IDLE:
            big.setPixelSize(max(9, round(big.pixelSize() * 0.7)))
        big.setFeature(QFont.Tag("tnum"), 1)  # digits of one width: the text does not wobble
        painter.setFont(big)
        painter.setPen(text if s.phase is not TimerPhase.IDLE else dim)
        if compact:
            return  # the arc alone; the words sit beside it and in the tooltip
        line = big.pixelSize() * 1.25
        time_rect = QRectF(rect.left(), rect.center().y() - line / 2 - 4, rect.width(), line)
        painter.drawText(time_rect, Qt.AlignmentFlag.AlignCenter, self.time_text())
        small = QFont(self.font())
        small.setPixelSize(max(9, round(rect.width() * 0.085)))
        painter.setFont(small)
        painter.setPen(dim)
        small_line = small.pixelSize() * 1.4
        lines = [s.caption]
        if s.phase is TimerPhase.FADING:
            lines.append(f"fading · {s.gain_pct} %")
        y = time_rect.bottom()
        inner = rect.adjusted(rect.width() * 0.16, 0, -rect.width() * 0.16, 0)
        self.drawn_captions = []
        for caption in lines:
            if caption:
                elided = painter.fontMetrics().elidedText(
                    caption, Qt.TextElideMode.ElideRight, round(inner.width())
                )
                self.drawn_captions.append(elided)
                painter.drawText(
                    QRectF(inner.left(), y, inner.width(), small_line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    elided,
                )
            y += small_line


def _fade_zone_colour(accent: QColor, text: QColor) -> QColor:
    """The accent's hue, lighter and see-through: the stretch where the sound thins out."""
    mixed = QColor(
        (accent.red() * 2 + text.red()) // 3,
        (accent.green() * 2 + text.green()) // 3,
        (accent.blue() * 2 + text.blue()) // 3,
    ).lighter(130)
    mixed.setAlphaF(0.5)
    return mixed
