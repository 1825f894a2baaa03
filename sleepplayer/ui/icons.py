"""SVG icons recoloured for the current palette.

Monochrome icons are drawn in the literal colour ``#000000``; here that colour is swapped for a
palette colour, so one set of files serves the dark and the light theme. Rendered icons are
cached per (name, colours) and the cache is dropped when the theme changes; widgets that hold
icons listen to :func:`notifier` and fetch them again.
"""

from __future__ import annotations

import importlib.resources

from PySide6.QtCore import QByteArray, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

#: Icons that keep their own colours (never recoloured).
FULL_COLOUR = frozenset({"app"})
#: Pixel sizes rendered into each icon; Qt picks the nearest and scales for other sizes.
_SIZES = (16, 24, 32, 48)
_PLACEHOLDER = b"#000000"


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
    screen = QGuiApplication.primaryScreen()
    ratio = max(1.0, screen.devicePixelRatio()) if screen is not None else 1.0
    recolour = name not in FULL_COLOUR
    result = QIcon()
    # Active mode is left out on purpose: QIcon falls back to Normal, which is what we want.
    for mode, mode_colour in (
        (QIcon.Mode.Normal, normal),
        (QIcon.Mode.Disabled, disabled),
        (QIcon.Mode.Selected, selected),
    ):
        renderer = _renderer(data, mode_colour if recolour else None)
        for size in _SIZES:
            result.addPixmap(render_svg(renderer, size, ratio), mode)
    _cache[key] = result
    return result


def app_icon() -> QIcon:
    """The full-colour application icon (window, taskbar, tray fallback)."""
    return icon("app")


def icon_size(pixels: int) -> QSize:
    """A square QSize; saves callers a tuple of repeated numbers."""
    return QSize(pixels, pixels)
