"""The tray icon's pictures: one per look, crisp at every panel size and pixel ratio, and
readable on light and dark panels alike."""

from __future__ import annotations

import importlib.resources
import itertools

import pytest
from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from sleepplayer.ui.tray_icon import TRAY_SIZES, TrayLook, render_tray, tray_icon

LOOKS = [
    TrayLook(playing, armed) for playing, armed in itertools.product((False, True), (False, True))
]
#: Panels seen in the wild: light (GNOME, Windows 10 light, KDE Breeze), dark (Windows 11,
#: Breeze Dark, macOS dark), and a saturated one (Mint, Ubuntu's old aubergine).
PANELS = ["#f0f0f0", "#d4d4d4", "#2b2b2b", "#101010", "#3c5a8a"]


def _luma(c: QColor) -> float:
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()


def _on_panel(picture: QPixmap, panel: str) -> QImage:
    image = QImage(picture.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor(panel))
    painter = QPainter(image)
    painter.drawPixmap(0, 0, picture)
    painter.end()
    return image


def _standing_out(image: QImage, panel: str) -> float:
    """Share of the pixels that differ clearly in brightness from the panel."""
    base = _luma(QColor(panel))
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    return sum(abs(_luma(p) - base) >= 0.35 for p in pixels) / len(pixels)


def _black_glyph(size: int) -> QPixmap:
    """The plain monochrome moon (``tray.svg``), as a naive tray icon would be drawn."""
    svg = importlib.resources.files("sleepplayer.resources") / "icons" / "tray.svg"
    renderer = QSvgRenderer(QByteArray(svg.read_bytes()))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def test_each_look_is_its_own_picture(qapp: QApplication) -> None:
    pictures = {bytes(render_tray(look, 22).toImage().constBits()) for look in LOOKS}
    assert len(pictures) == len(LOOKS)


@pytest.mark.parametrize("look", LOOKS)
@pytest.mark.parametrize("panel", PANELS)
def test_reads_on_light_and_dark_panels(qapp: QApplication, look: TrayLook, panel: str) -> None:
    for size in (16, 22):
        assert _standing_out(_on_panel(render_tray(look, size), panel), panel) >= 0.15


def test_the_check_above_catches_a_glyph_without_a_halo(qapp: QApplication) -> None:
    glyph = _black_glyph(22)
    assert _standing_out(_on_panel(glyph, "#f0f0f0"), "#f0f0f0") >= 0.15  # fine on light
    assert _standing_out(_on_panel(glyph, "#101010"), "#101010") < 0.05  # lost on dark


def test_playing_is_brighter_than_paused(qapp: QApplication) -> None:
    def crescent(look: TrayLook) -> float:
        """Brightness of the crescent's fill (the brightest tenth of the opaque pixels)."""
        image = render_tray(look, 48).toImage()
        opaque = sorted(
            _luma(c)
            for x in range(image.width())
            for y in range(image.height())
            if (c := image.pixelColor(x, y)).alpha() == 255
        )
        return opaque[len(opaque) * 9 // 10]

    assert crescent(TrayLook(playing=True)) > crescent(TrayLook(playing=False)) + 0.15


def test_every_panel_size_at_every_ratio(qapp: QApplication) -> None:
    for size in TRAY_SIZES:
        for ratio in (1.0, 1.25, 2.0):
            pixmap = render_tray(TrayLook(playing=True, timer_armed=True), size, ratio)
            assert pixmap.devicePixelRatio() == ratio
            assert pixmap.width() == round(size * ratio) == pixmap.height()
    icon = tray_icon(TrayLook())
    assert {s.width() for s in icon.availableSizes()} >= set(TRAY_SIZES)
    assert icon.pixmap(QSize(22, 22), 2.0).width() == 44  # HiDPI: drawn, not scaled up
    assert tray_icon(TrayLook()) is icon  # cached
