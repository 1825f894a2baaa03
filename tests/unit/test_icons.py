"""The SVG icons: every name the UI uses exists, parses, renders, and recolours cleanly.

The app recolours monochrome icons at runtime by replacing the literal ``#000000`` with a palette
colour, so every painted part must name ``#000000`` explicitly: anything left to SVG's default
(black fill) or drawn in another colour would stay black on a dark theme.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot

from sleepplayer.ui.tray_icon import LAYERS as TRAY_LAYERS

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
SVG_NS = "{http://www.w3.org/2000/svg}"

MONOCHROME = [
    "play",
    "pause",
    "stop",
    "next",
    "previous",
    "volume",
    "volume-muted",
    "add-file",
    "add-folder",
    "add-url",
    "playlist",
    "playlist-new",
    "repeat",
    "repeat-one",
    "shuffle",
    "timer",
    "search",
    "local",
    "stream",
    "radio",
    "web",
    "unavailable",
    "settings",
    "help",
    "quit",
    "tray",
]
SHAPES = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon"}
PAINT = ("fill", "stroke", "stop-color", "color")


def _svg(name: str) -> str:
    return (ICONS / f"{name}.svg").read_text(encoding="utf-8")


def _render(svg: str, size: int) -> np.ndarray[tuple[int, int, int], np.dtype[np.uint8]]:
    """Render to a transparent ARGB32 image; returns (size, size, BGRA) bytes."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    assert renderer.isValid()
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = np.frombuffer(bytes(image.constBits()), dtype=np.uint8)
    return data.reshape(size, image.bytesPerLine() // 4, 4)[:, :size].copy()


def _walk(
    element: ET.Element, inherited: dict[str, str]
) -> list[tuple[ET.Element, dict[str, str]]]:
    """Every element with the paint attributes it inherits (presentation attributes only)."""
    own = {key: value for key, value in element.attrib.items() if key in PAINT}
    here = {**inherited, **own}
    found = [(element, here)]
    for child in element:
        found.extend(_walk(child, here))
    return found


def test_no_unexpected_icons() -> None:
    on_disk = sorted(p.stem for p in ICONS.glob("*.svg"))
    assert on_disk == sorted([*MONOCHROME, "app", *TRAY_LAYERS])


@pytest.mark.parametrize("name", TRAY_LAYERS)
def test_tray_layers_share_one_view_box_and_render(name: str, qtbot: QtBot) -> None:
    # Full colour, stacked by the tray icon: the same 24x24 box keeps them aligned.
    svg = _svg(name)
    assert ET.fromstring(svg).get("viewBox") == "0 0 24 24"
    assert _render(svg, 24)[:, :, 3].max() == 255


@pytest.mark.parametrize("name", MONOCHROME)
def test_monochrome_icon_is_recolourable(name: str, qtbot: QtBot) -> None:
    svg = _svg(name)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 24 24"
    assert "#000000" in svg
    assert "style=" not in svg and "currentColor" not in svg
    for element, paint in _walk(root, {}):
        for key in PAINT:
            if key in element.attrib:
                assert element.attrib[key] in ("#000000", "none"), (name, key, element.attrib)
        if element.tag.removeprefix(SVG_NS) in SHAPES:
            # SVG's default fill is black: it must be spelled out, or recolouring misses it.
            assert "fill" in paint, (name, element.attrib)

    # Recoloured, every painted pixel takes the new colour and nothing stays black.
    for size in (16, 24, 64):
        pixels = _render(svg.replace("#000000", "#ff0000"), size)
        alpha = pixels[..., 3]
        painted = alpha > 0
        coverage = float(painted.mean())
        assert 0.04 < coverage < 0.75, (name, size, coverage)
        assert int(pixels[..., 0][painted].max()) == 0, (name, size, "blue left in a red icon")
        assert int(pixels[..., 1][painted].max()) == 0, (name, size, "green left in a red icon")
        assert int(pixels[..., 2][painted].min()) >= 250, (name, size, "dark pixels left")


def test_app_icon_is_full_colour_and_readable(qtbot: QtBot) -> None:
    svg = _svg("app")
    root = ET.fromstring(svg)
    assert root.get("viewBox") == "0 0 512 512"
    assert "#000000" not in svg
    for size in (16, 32, 512):
        pixels = _render(svg, size)
        opaque = pixels[..., 3] == 255
        assert float(opaque.mean()) > 0.6, size  # a solid tile, not a faint outline
        # Night blue dominates, and a pale moon stands out from it.
        colours = pixels[opaque][:, :3].astype(int)  # BGR
        blue = (colours[:, 0] > colours[:, 2] + 20).mean()
        pale = (colours.min(axis=1) > 180).mean()
        assert blue > 0.4 and pale > 0.08, (size, blue, pale)
