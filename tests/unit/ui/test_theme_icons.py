"""Palettes, system scheme following, and icon recolouring."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication
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
