"""Palettes, system scheme following, and icon recolouring."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QProxyStyle,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)
from pytestqt.qtbot import QtBot

from sleepplayer.ui import icons, theme

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
    b'<rect width="4" height="4" fill="#000000"/></svg>'
)


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    style = qapp.style().name()
    yield qapp
    # Leave the shared test app as other tests expect it: no theme, no scheme following.
    theme.apply_theme(qapp, "dark")
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setPalette(qapp.style().standardPalette())
    icons.reset()


def window_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window)


def test_dark_is_dim_and_never_pure_white(app: QApplication) -> None:
    theme.apply_theme(app, "dark")
    sheet = app.styleSheet()
    app.setStyleSheet("")  # a style sheet wraps the style and hides its name
    assert app.style().name().lower() == "fusion"
    app.setStyleSheet(sheet)
    assert window_colour().lightness() < 50
    text = QGuiApplication.palette().color(QPalette.ColorRole.Text)
    assert text.lightness() < 230


def test_light_and_system_fallback(app: QApplication) -> None:
    theme.apply_theme(app, "light")
    assert window_colour().lightness() > 200
    assert QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Unknown  # offscreen
    theme.apply_theme(app, "system")
    assert window_colour().lightness() < 50  # unknown scheme means dark


def test_system_follows_live_changes(qtbot: QtBot, app: QApplication) -> None:
    theme.apply_theme(app, "system")
    with qtbot.waitSignal(icons.notifier().icons_changed):
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window_colour().lightness() > 200
    theme.apply_theme(app, "dark")
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window_colour().lightness() < 50  # an explicit choice is kept


def test_missing_icon_is_empty(app: QApplication) -> None:
    assert icons.icon("no-such-icon").isNull()


def test_recolour_replaces_black(app: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(icons._svg_text, "square", SVG)
    colour = QColor("#5d64a6")
    image = icons.icon("square", colour).pixmap(16, 16).toImage()
    assert image.pixelColor(8, 8).name() == colour.name()
    disabled = icons.icon("square").pixmap(16, 16, QIcon.Mode.Disabled).toImage()
    expected = QGuiApplication.palette().color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText
    )
    assert disabled.pixelColor(8, 8).name() == expected.name()


def test_icons_are_drawn_on_demand_once_per_size_and_mode(
    app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Drawing every icon in every mode and size up front kept ~4 MB of unseen pixmaps.
    drawn: list[tuple[int, float]] = []
    real = icons.render_svg

    def counting(renderer: QSvgRenderer, size: int, ratio: float = 1.0) -> QPixmap:
        drawn.append((size, ratio))
        return real(renderer, size, ratio)

    monkeypatch.setattr(icons, "render_svg", counting)
    monkeypatch.setitem(icons._svg_text, "square", SVG)
    icon = icons.icon("square", QColor("#5d64a6"))
    assert drawn == []
    assert icon.pixmap(20, 20).size() == QSize(20, 20)  # drawn at the size asked, not scaled
    icon.pixmap(20, 20)
    assert drawn == [(20, 1.0)]
    sharp = icon.pixmap(QSize(20, 20), 2.0)
    assert (sharp.width(), sharp.devicePixelRatio()) == (40, 2.0)
    icon.pixmap(20, 20, QIcon.Mode.Disabled)
    assert drawn == [(20, 1.0), (20, 2.0), (20, 1.0)]
    assert QSize(48, 48) in icon.availableSizes()  # what window and tray icons pick from


@pytest.mark.parametrize("ratio", [1.0, 1.5, 2.0])
def test_painted_icons_are_drawn_at_the_devices_pixel_ratio(
    app: QApplication, monkeypatch: pytest.MonkeyPatch, ratio: float
) -> None:
    # The ratio comes from the painter's transforms, which a scale of the painter's own
    # (a widget drawing its icon smaller) must not change.
    drawn: list[float] = []
    real = icons.render_svg

    def recording(renderer: QSvgRenderer, size: int, pixel_ratio: float = 1.0) -> QPixmap:
        drawn.append(pixel_ratio)
        return real(renderer, size, pixel_ratio)

    monkeypatch.setattr(icons, "render_svg", recording)
    monkeypatch.setitem(icons._svg_text, "square", SVG)
    icon = icons.icon("square", QColor("#5d64a6"))
    target = QPixmap(64, 64)
    target.setDevicePixelRatio(ratio)
    painter = QPainter(target)
    try:
        painter.translate(3, 3)
        painter.scale(0.5, 0.5)
        icon.paint(painter, QRect(0, 0, 20, 20))
    finally:
        painter.end()
    assert drawn == [ratio]


class _IconButtonsStyle(QProxyStyle):
    """A platform that puts stock icons on dialog buttons, as X11 without a desktop does."""

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 1
        return super().styleHint(hint, option, widget, returnData)


@pytest.mark.parametrize("mode", ["dark", "light"])
def test_dialog_buttons_carry_words_only(qtbot: QtBot, app: QApplication, mode: str) -> None:
    # Fusion's stock ✕ and tick are dark pixmaps that all but vanish on the night palette.
    theme.apply_theme(app, mode)
    box = QDialogButtonBox()
    qtbot.addWidget(box)
    style = _IconButtonsStyle("Fusion")
    box.setStyle(style)
    box.setStandardButtons(
        QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Ok
    )
    for button in box.buttons():
        assert button.icon().isNull(), button.text()
