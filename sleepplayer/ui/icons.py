"""SVG icons recoloured for the current palette.

Monochrome icons are drawn in the literal colour ``#000000``; here that colour is swapped for a
palette colour, so one set of files serves the dark and the light theme. Icons are cached per
(name, colours) and the cache is dropped when the theme changes; widgets that hold icons listen
to :func:`notifier` and fetch them again.

Each icon is drawn on demand, at the size and in the mode (normal, disabled, selected) a widget
asks for, and only those pixmaps are kept: drawing every icon in three modes and four sizes up
front held about 4 MB of pixmaps that were never shown (make bench, window shown).
"""

from __future__ import annotations

import importlib.resources
import math

from PySide6.QtCore import QByteArray, QObject, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

#: Icons that keep their own colours (never recoloured).
FULL_COLOUR = frozenset({"app"})
#: The sizes an icon says it has (a window icon or a tray icon takes these); any other size
#: is drawn exactly when asked for.
_SIZES = (16, 24, 32, 48)
_PLACEHOLDER = b"#000000"


def _pixel_ratio(painter: QPainter) -> float:
    """The device pixels per logical pixel that ``painter`` draws at.

    Read from its transforms rather than from ``painter.device()``: wrapping the device (a
    pixmap or widget Qt made) makes PySide load its class for every paint device and widget
    type Qt has, about 1 MB that stays for the life of the app.
    """
    # The world transform, not the combined one: for a fractional ratio Qt puts part of the
    # device scale into the view transform (measured: 1.5 read as 1.0).
    device, logical = painter.deviceTransform(), painter.worldTransform()
    logical_scale = math.hypot(logical.m11(), logical.m12())
    if logical_scale <= 0:
        return 1.0
    # Rounded: the ratio is part of the pixmap cache's key.
    return max(1.0, round(math.hypot(device.m11(), device.m12()) / logical_scale, 3))


class _IconNotifier(QObject):
    """Tells icon holders that the palette changed and icons must be fetched again."""

    #: Emitted after the icon cache was cleared (new theme).
    icons_changed = Signal()


_notifier: _IconNotifier | None = None
_cache: dict[tuple[str, str, str, str], QIcon] = {}
_svg_text: dict[str, bytes | None] = {}


def notifier() -> _IconNotifier:
    """The process-wide notifier; connect to ``icons_changed`` to refresh held icons."""
    global _notifier
    if _notifier is None:
        _notifier = _IconNotifier()
    return _notifier


def reset() -> None:
    """Drop rendered icons (call after the palette changed) and tell holders."""
    _cache.clear()
    notifier().icons_changed.emit()


def _read_svg(name: str) -> bytes | None:
    """The SVG source of an icon, or None when the file is missing (drawn by another hand)."""
    if name not in _svg_text:
        path = importlib.resources.files("sleepplayer.resources") / "icons" / f"{name}.svg"
        try:
            _svg_text[name] = path.read_bytes()
        except OSError:
            _svg_text[name] = None
    return _svg_text[name]


def _palette_colours() -> tuple[QColor, QColor, QColor]:
    """(normal, disabled, selected) colours for glyphs in the current application palette."""
    palette = QGuiApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    selected = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    return normal, disabled, selected


def _renderer(data: bytes, colour: QColor | None) -> QSvgRenderer:
    """A renderer for the SVG with ``#000000`` replaced by ``colour`` (when given)."""
    if colour is not None:
        data = data.replace(_PLACEHOLDER, colour.name().encode("ascii"))
    return QSvgRenderer(QByteArray(data))


def render_svg(renderer: QSvgRenderer, size: int, ratio: float = 1.0) -> QPixmap:
    """Render to a transparent square pixmap of ``size`` logical pixels, aspect kept."""
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    if renderer.isValid():
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        view = renderer.viewBoxF()
        scale = pixels / max(view.width(), view.height(), 1e-6)
        w, h = view.width() * scale, view.height() * scale
        renderer.render(painter, QRectF((pixels - w) / 2, (pixels - h) / 2, w, h))
        painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class _SvgIconEngine(QIconEngine):
    """Draws one SVG in a colour per mode, when a size is first asked for, and keeps it."""

    def __init__(self, data: bytes, colours: dict[QIcon.Mode, QColor | None]) -> None:
        super().__init__()
        self._data = data
        self._colours = colours  # None: the SVG's own colours
        self._renderers: dict[QIcon.Mode, QSvgRenderer] = {}
        self._pixmaps: dict[tuple[int, QIcon.Mode, float], QPixmap] = {}

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        if mode not in self._colours:
            mode = QIcon.Mode.Normal  # Active looks like Normal, as before
        side = max(1, min(size.width(), size.height()))
        key = (side, mode, scale)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            renderer = self._renderers.get(mode)
            if renderer is None:
                renderer = self._renderers[mode] = _renderer(self._data, self._colours[mode])
            pixmap = self._pixmaps[key] = render_svg(renderer, side, max(1.0, scale))
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = max(1, min(size.width(), size.height()))
        return QSize(side, side)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, _pixel_ratio(painter)))

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        return [QSize(s, s) for s in _SIZES]

    def clone(self) -> QIconEngine:
        # Qt clones only when a copy of the icon is changed (addPixmap), which the app never
        # does. The copy is kept referenced: Python must not delete what the QIcon now owns.
        copy = _SvgIconEngine(self._data, self._colours)
        _clones.append(copy)
        return copy


_clones: list[_SvgIconEngine] = []


def icon(name: str, colour: QColor | None = None, selected_colour: QColor | None = None) -> QIcon:
    """The named icon in palette colours; an empty QIcon if the file is missing.

    ``colour`` replaces the normal glyph colour and ``selected_colour`` the one drawn on a
    selected item (by default the palette's highlighted text).
    """
    data = _read_svg(name)
    if data is None:
        return QIcon()
    normal, disabled, selected = _palette_colours()
    normal = colour or normal
    selected = selected_colour or selected
    key = (name, normal.name(), disabled.name(), selected.name())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    recolour = name not in FULL_COLOUR
    colours: dict[QIcon.Mode, QColor | None] = {
        QIcon.Mode.Normal: normal if recolour else None,
        QIcon.Mode.Disabled: disabled if recolour else None,
        QIcon.Mode.Selected: selected if recolour else None,
    }
    result = QIcon(_SvgIconEngine(data, colours))
    _cache[key] = result
    return result


def app_icon() -> QIcon:
    """The full-colour application icon (window, taskbar, tray fallback)."""
    return icon("app")


def icon_size(pixels: int) -> QSize:
    """A square QSize; saves callers a tuple of repeated numbers."""
    return QSize(pixels, pixels)
