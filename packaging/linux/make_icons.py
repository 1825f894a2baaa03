"""Renders the app icon into the freedesktop hicolor theme layout, from resources/icons/app.svg.

    python packaging/linux/make_icons.py [--out DIR]

Writes ``DIR/hicolor/<N>x<N>/apps/<APP_ID>.png`` for every size in ``SIZES`` and copies the SVG
to ``DIR/hicolor/scalable/apps/<APP_ID>.svg``. ``DIR`` defaults to ``packaging/linux/icons``;
the output is kept in the tree, so run this again after editing app.svg (a test compares them).

Desktops pick the PNG nearest the size they draw and fall back to the SVG; shipping the PNGs
keeps the panel, the Alt+Tab switcher and old icon caches sharp without an SVG loader.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "resources" / "icons" / "app.svg"
DEFAULT_OUT = Path(__file__).resolve().parent / "icons"
#: The sizes the icon theme spec and the common desktops look up.
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def png_path(out: Path, app_id: str, size: int) -> Path:
    return out / "hicolor" / f"{size}x{size}" / "apps" / f"{app_id}.png"


def svg_path(out: Path, app_id: str) -> Path:
    return out / "hicolor" / "scalable" / "apps" / f"{app_id}.svg"


def render_all(out: Path) -> list[Path]:
    """Writes every PNG and the SVG; returns the files written."""
    # Offscreen: no display is needed, and nothing flashes on the user's screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from sleepplayer import APP_ID

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SOURCE} is not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        target = png_path(out, APP_ID, size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):  # the format follows the .png suffix
            raise SystemExit(f"make_icons: could not write {target}")
        written.append(target)
    scalable = svg_path(out, APP_ID)
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    written.append(scalable)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="icon folder to fill")
    args = parser.parse_args(argv)
    for path in render_all(args.out):
        print(path.relative_to(args.out))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # run from a clone without installing
    raise SystemExit(main())
