"""Small plots of the fade curves, so the user sees what "Gentle", "Linear" and "Smooth" mean.

The plot shows loudness in dB over the fade (0 dB at the top, -60 dB at the bottom): that is
closer to what the ear hears than amplitude, and it is where the curves differ most. The same
painter serves the standalone :class:`FadePlot` and the :class:`FadeCurveButton` cards used to
pick a curve in the timer panel and the settings.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QStyle, QStyleOptionFocusRect, QWidget

from sleepplayer.core.fade import fade_gain
from sleepplayer.core.sleep_plan import FadeCurve

#: The bottom of the plot. Quieter than this is drawn as silence.
FLOOR_DB = -60.0
_SAMPLES = 96

CURVE_NAMES = {FadeCurve.GENTLE: "Gentle", FadeCurve.LINEAR: "Linear", FadeCurve.SMOOTH: "Smooth"}
CURVE_HINTS = {
    FadeCurve.GENTLE: "Even steps in loudness down to \u221250 dB, then silence. The default.",
    FadeCurve.LINEAR: "Even steps in amplitude: stays loud for long, then drops at the end.",
    FadeCurve.SMOOTH: "An S-curve: eases out slowly, falls, and settles softly.",
}


def gain_db(gain: float) -> float:
    """Amplitude gain in dB, clamped to :data:`FLOOR_DB` (silence is the floor)."""
    if not gain > 0:
        return FLOOR_DB
    return max(FLOOR_DB, 20 * math.log10(min(gain, 1.0)))


def curve_points(curve: FadeCurve, samples: int = _SAMPLES) -> list[tuple[float, float]]:
    """(progress 0..1, fraction of the way down to the floor 0..1) along the fade."""
    points = []
    for i in range(samples + 1):
        progress = i / samples
        points.append((progress, gain_db(fade_gain(curve, progress)) / FLOOR_DB))
    return points


def paint_curve(
    painter: QPainter,
    rect: QRectF,
    curve: FadeCurve,
    line: QColor,
    grid: QColor,
) -> None:
    """Draw ``curve`` into ``rect``: faint -20/-40 dB guides, the line and a soft fill."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    guide = QPen(grid, 1, Qt.PenStyle.DotLine)
    painter.setPen(guide)
    for db in (-20.0, -40.0):
        y = rect.top() + rect.height() * db / FLOOR_DB
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
    painter.setPen(QPen(grid, 1))
    painter.drawLine(rect.bottomLeft(), rect.bottomRight())

    path = QPainterPath()
    for i, (x, y) in enumerate(curve_points(curve)):
        point = QPointF(rect.left() + x * rect.width(), rect.top() + y * rect.height())
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    area = QPainterPath(path)
    area.lineTo(rect.bottomRight())
    area.lineTo(rect.bottomLeft())
    area.closeSubpath()
    fill = QLinearGradient(rect.topLeft(), rect.bottomLeft())
    top, bottom = QColor(line), QColor(line)
    top.setAlphaF(0.30)
    bottom.setAlphaF(0.02)
    fill.setColorAt(0.0, top)
    fill.setColorAt(1.0, bottom)
    painter.fillPath(area, fill)
    pen = QPen(line, 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.strokePath(path, pen)
    painter.restore()


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def _line_colour(palette: QPalette, strong: bool) -> QColor:
    accent = palette.color(QPalette.ColorRole.Highlight)
    if not _is_dark(palette):
        return accent if strong else accent.lighter(125)
    # The night accent is dim on purpose; lift it so a thin line reads on the dark base.
    return accent.lighter(175 if strong else 140)


def _grid_colour(palette: QPalette) -> QColor:
    mid = palette.color(QPalette.ColorRole.Mid)
    return mid.lighter(125) if _is_dark(palette) else mid.darker(110)


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` with ``amount`` (0..1) of ``b`` mixed in."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


class FadePlot(QWidget):
    """A tiny plot of one fade curve (no axes text; the tooltip says what it shows)."""

    def __init__(self, curve: FadeCurve = FadeCurve.GENTLE, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._curve = curve
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._update_tooltip()

    def curve(self) -> FadeCurve:
        return self._curve

    def set_curve(self, curve: FadeCurve) -> None:
        if curve is not self._curve:
            self._curve = curve
            self._update_tooltip()
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(120, 48)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(self.rect()).adjusted(2, 3, -2, -2)
        paint_curve(
            painter, rect, self._curve, _line_colour(self.palette(), True),
            _grid_colour(self.palette()),
        )  # fmt: skip
        painter.end()

    def _update_tooltip(self) -> None:
        self.setToolTip(
            f"{CURVE_NAMES[self._curve]}: loudness over the fade, from full at the top to "
            f"{FLOOR_DB:.0f} dB at the bottom. {CURVE_HINTS[self._curve]}"
        )


class FadeCurveButton(QAbstractButton):
    """A checkable card with the curve's plot and name; several form an exclusive choice.

    Arrow keys move between the cards of one parent (auto-exclusive), and the text's ``&``
    mnemonic works like on any button.
    """

    def __init__(self, curve: FadeCurve, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.curve = curve
        self.setText(text or CURVE_NAMES[curve])
        self.setCheckable(True)
        self.setAutoExclusive(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(CURVE_HINTS[curve])
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)  # repaint on hover

    def sizeHint(self) -> QSize:
        return QSize(112, 40 + self.fontMetrics().height() + 16)

    def minimumSizeHint(self) -> QSize:
        return QSize(84, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        checked = self.isChecked()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        border = palette.color(QPalette.ColorRole.Highlight) if checked else _grid_colour(palette)
        background = palette.color(QPalette.ColorRole.Base)
        if checked:
            highlight = palette.color(QPalette.ColorRole.Highlight)
            background = _mix(background, highlight, 0.35 if _is_dark(palette) else 0.18)
        elif self.underMouse():
            background = palette.color(QPalette.ColorRole.Button)
        painter.setPen(QPen(border, 1.5 if checked else 1.0))
        painter.setBrush(background)
        painter.drawRoundedRect(card, 6, 6)

        text_h = self.fontMetrics().height()
        plot = QRectF(card).adjusted(10, 9, -10, -(text_h + 12))
        paint_curve(
            painter, plot, self.curve, _line_colour(palette, checked), _grid_colour(palette)
        )
        text_rect = QRectF(card.left(), plot.bottom() + 3, card.width(), text_h + 4)
        role = QPalette.ColorRole.Text if checked else QPalette.ColorRole.PlaceholderText
        painter.setPen(palette.color(role) if self.isEnabled() else palette.color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))  # fmt: skip
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextShowMnemonic
        if not self.style().styleHint(QStyle.StyleHint.SH_UnderlineShortcut, None, self):
            flags |= Qt.TextFlag.TextHideMnemonic
        painter.drawText(text_rect, int(flags), self.text())
        if self.hasFocus():
            option = QStyleOptionFocusRect()
            option.initFrom(self)
            option.rect = card.adjusted(3, 3, -3, -3).toRect()
            self.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter, self
            )
        painter.end()
