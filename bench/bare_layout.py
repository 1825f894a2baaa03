"""Child process: the main window's layout in stock Qt widgets, with no app logic, while
python-vlc plays a file. The memory reference between bare libVLC and the app.

Run as ``python -m bench.bare_layout TITLE FILE``. It has what issue 2 asks the window to show
(a menu bar, a playlist sidebar, a filter box, a now-playing label, a track table on a
QAbstractTableModel behind a filter proxy, a transport bar with buttons, seek and volume sliders,
a status bar) and a tray icon with a menu, all filled with a few rows of text: the cost of the
toolkit and the layout alone, which no amount of care in the app's own code can go below.
Like the app, it gives back the pages its start-up ran once it has settled. It quits on
WM_DELETE_WINDOW (the close button).
"""

from __future__ import annotations

import sys

# libVLC loads before Qt: with PySide6 loaded first, this reference measured up to 3 MB more
# (one more anonymous block from the allocator), while the app measured the same either way.
# A floor should be the lower figure.
import vlc  # noqa: F401
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtCore import QSortFilterProxyModel as ProxyModel
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QSlider,
    QSplitter,
    QSystemTrayIcon,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bench.bare_vlc import bare_player
from sleepplayer.desktop.page_release import SETTLE_MS, release_gui_stack

_Index = QModelIndex | QPersistentModelIndex
_COLUMNS = ("Title", "Artist", "Length")
_ROWS = ("Brown noise", "Pink noise", "Rain", "Fan", "Ocean")


class _Tracks(QAbstractTableModel):
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(_ROWS)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_ROWS[index.row()], "SleepPlayer", "1:00:00")[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None


def _button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    return button


def _transport() -> QHBoxLayout:
    bar = QHBoxLayout()
    for text in ("Previous", "Play", "Next"):
        bar.addWidget(_button(text))
    bar.addWidget(QLabel("0:00"))
    bar.addWidget(QSlider(Qt.Orientation.Horizontal), 1)
    bar.addWidget(QLabel("1:00:00"))
    bar.addWidget(_button("Mute"))
    volume = QSlider(Qt.Orientation.Horizontal)
    volume.setMaximumWidth(120)
    bar.addWidget(volume)
    return bar


def _window(title: str, model: ProxyModel) -> QMainWindow:
    window = QMainWindow()
    window.setWindowTitle(title)
    window.resize(1100, 700)  # the app's first-run size
    window.menuBar().addMenu("&File").addAction("Add files…")
    window.menuBar().addMenu("&Playback").addAction("Play")
    sidebar = QListWidget()
    sidebar.addItems(["Sleep sounds", "Rain", "ASMR"])
    tracks = QWidget()
    column = QVBoxLayout(tracks)
    column.addWidget(QLineEdit(placeholderText="Filter"))
    column.addWidget(QLabel("<b>Brown noise</b><br>SleepPlayer"))
    table = QTableView()
    table.setModel(model)
    column.addWidget(table)
    splitter = QSplitter()
    splitter.addWidget(sidebar)
    splitter.addWidget(tracks)
    central = QWidget()
    outer = QVBoxLayout(central)
    outer.addWidget(splitter)
    outer.addLayout(_transport())
    window.setCentralWidget(central)
    window.statusBar().showMessage("Ready")
    return window


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.bare_layout TITLE FILE", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    source = _Tracks()
    model = ProxyModel()
    model.setSourceModel(source)
    window = _window(argv[0], model)
    pixmap = QPixmap(32, 32)
    pixmap.fill(QColor("midnightblue"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    menu = QMenu()
    menu.addAction("Play/Pause")
    menu.addAction("Quit", app.quit)
    tray.setContextMenu(menu)
    tray.show()
    window.show()
    # As the app does (sleepplayer.desktop.page_release): the floor gives back the pages only
    # its start-up ran too, or "the app adds" would credit the app with the toolkit's pages.
    QTimer.singleShot(SETTLE_MS, release_gui_stack)
    with bare_player(argv[1]):
        return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
