"""The tray icon: a crescent moon that says whether the sound is on and a sleep timer is armed.

Panels come light and dark, and a tray icon cannot know which, so every layer is a light shape
over a dark halo (drawn in the SVGs themselves): the light part reads on a dark panel, the halo
on a light one. The layers, bottom to top:

* the crescent: warm white while playing, a dim grey-blue otherwise;
* two sound waves in the crescent's hollow while playing;
* a small amber clock at the bottom right while a sleep timer is armed.

Each look is rendered once per pixel size and device pixel ratio into one cached QIcon, so the
panel gets a crisp pixmap at 16, 22, 24, 32 and 48 px on ordinary and HiDPI screens alike.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

#: Pixel sizes the icon carries: the common panel heights, and 48 for HiDPI-less large panels.
TRAY_SIZES = (16, 22, 24, 32, 48)

_MOON, _MOON_IDLE, _WAVES, _TIMER = "tray-moon", "tray-moon-idle", "tray-waves", "tray-timer-badge"
#: Every layer's SVG (in full colour: never recoloured by the theme).
LAYERS = (_MOON, _MOON_IDLE, _WAVES, _TIMER)


@dataclass(frozen=True)
class TrayLook:
    """What the icon shows; equal looks draw the same picture."""

    playing: bool = False
    timer_armed: bool = False

    def layers(self) -> tuple[str, ...]:
        """SVG names, bottom first."""
        layers = [_MOON if self.playing else _MOON_IDLE]
        if self.playing:
            layers.append(_WAVES)
        if self.timer_armed:
            layers.append(_TIMER)
        return tuple(layers)


_renderers: dict[str, QSvgRenderer] = {}
_icons: dict[tuple[TrayLook, tuple[float, ...]], QIcon] = {}


def _renderer(name: str) -> QSvgRenderer:
    renderer = _renderers.get(name)
    if renderer is None:
        path = importlib.resources.files("sleepplayer.resources") / "icons" / f"{name}.svg"
        renderer = QSvgRenderer(QByteArray(path.read_bytes()))
        _renderers[name] = renderer
    return renderer


def render_tray(look: TrayLook, size: int, ratio: float = 1.0) -> QPixmap:
    """The look as a transparent ``size`` x ``size`` pixmap (logical pixels) at ``ratio``."""
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    for name in look.layers():
        # Every layer shares the 24x24 view box, so they line up at any size.
        _renderer(name).render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _screen_ratios() -> tuple[float, ...]:
    """1.0 plus every screen's device pixel ratio: the panel may sit on any of them."""
    ratios = {1.0}
    for screen in QGuiApplication.screens():
        ratios.add(max(1.0, screen.devicePixelRatio()))
    return tuple(sorted(ratios))


def tray_icon(look: TrayLook) -> QIcon:
    """The look at every tray size and screen ratio (cached)."""
    ratios = _screen_ratios()
    key = (look, ratios)
    cached = _icons.get(key)
    if cached is not None:
        return cached
    result = QIcon()
    for ratio in ratios:
        for size in TRAY_SIZES:
            result.addPixmap(render_tray(look, size, ratio))
    _icons[key] = result
    return result
