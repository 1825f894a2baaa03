"""ElidedLabel: the whole text when it fits, cut with "…" when it does not."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from sleepplayer.ui.elided_label import ElidedLabel


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen
def test_a_name_that_fits_shows_whole_in_the_styled_header(
    qtbot: QtBot, themed_app: QApplication
) -> None:
    # The style sheet's bold title font came after the width was asked: "Sleep soun…".
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(800, 60)
    row = QHBoxLayout(window)
    title = ElidedLabel()
    title.setObjectName("playlistTitle")
    box = QLineEdit()
    box.setMinimumWidth(160)
    row.addWidget(title)
    row.addStretch(1)
    row.addWidget(box, 1)
    title.set_full_text("Sleep sounds")
    window.show()
    qtbot.waitUntil(lambda: title.text() == "Sleep sounds")
    assert title.toolTip() == ""
    title.set_full_text("Rain on a tin roof " * 20)
    qtbot.waitUntil(lambda: title.text().endswith("…"))
    assert title.toolTip() == title.full_text()
    assert box.width() >= 160
