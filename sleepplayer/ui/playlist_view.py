"""The current playlist: a header with its name and a filter box, above the track table."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDropEvent,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sleepplayer.core.links import Links
from sleepplayer.core.model import Track
from sleepplayer.core.text import counted
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.item_loader import add_in_order
from sleepplayer.services.library import LibraryService
from sleepplayer.ui import icons
from sleepplayer.ui.elided_label import ElidedLabel
from sleepplayer.ui.list_keys import claims_arrow_key, leaves_on_escape
from sleepplayer.ui.track_model import (
    COL_ARTIST,
    COL_DURATION,
    COL_NUMBER,
    COL_TITLE,
    UID_ROLE,
    TrackFilterProxy,
    TrackTableModel,
)

# Keys a text field needs for itself; with no modifier they must never fire a shortcut.
_EDIT_KEYS = frozenset(
    {
        Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home,
        Qt.Key.Key_End, Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape,
        Qt.Key.Key_Space,
    }
)  # fmt: skip
_TEXT_MODIFIERS = (
    Qt.KeyboardModifier.NoModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.KeypadModifier,
)


class FilterEdit(QLineEdit):
    """The filter box. It claims plain keys before window shortcuts see them (Space, M, the
    arrows), so typing here never toggles playback or seeks. Esc clears, then leaves."""

    #: Esc on an empty box, or Enter/Down: hand the keyboard back to the table.
    leave_requested = Signal()
    #: The box got the keyboard focus: typing is about to start.
    focused = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter")
        self.setPlaceholderText("Filter by title, artist or file")
        self.setClearButtonEnabled(True)
        leading = QLineEdit.ActionPosition.LeadingPosition
        self._search = self.addAction(icons.icon("search"), leading)
        icons.notifier().icons_changed.connect(self._on_icons_changed)

    def _on_icons_changed(self) -> None:
        self._search.setIcon(icons.icon("search"))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo):
                # The app's Undo, not the box's: after a delete the focus often lands here,
                # and Ctrl+Z brought back an old filter instead of the playlist or tracks.
                event.ignore()
                return True
            if self._is_text_key(event):
                event.accept()
                return True
        return super().event(event)

    @staticmethod
    def _is_text_key(event: QKeyEvent) -> bool:
        if event.modifiers() not in _TEXT_MODIFIERS:
            return False
        text = event.text()
        return event.key() in _EDIT_KEYS or (bool(text) and text.isprintable())

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focused.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo) or event.matches(
            QKeySequence.StandardKey.Redo
        ):
            return  # the app's Undo had nothing to take back: nor has the box
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
            else:
                self.leave_requested.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
            self.leave_requested.emit()
            return
        super().keyPressEvent(event)


#: Of a playlist's name, this much stays whole in a narrow window before the count gives way.
TITLE_KEPT_PX = 160

#: The Artist column's width, and the largest share of the table it takes in a narrow window.
ARTIST_WIDTH = 220
ARTIST_SHARE = 0.3


class TrackTableView(QTableView):
    """The track table: Enter or double-click plays, drag reorders, accepts file drops."""

    #: A proxy index the user asked to play.
    play_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here, so that Python already knows it as a QWidget: wrapping the one
        # Qt makes would load PySide's class for every widget type Qt has, about 0.9 MB.
        viewport = QWidget()
        # What Qt gives the viewport it makes: the list's colour, painted opaque.
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self.setObjectName("trackTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table instead of walking cells
        self.setCornerButtonEnabled(False)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.verticalHeader()
        vertical.hide()
        # Fixed row heights: Qt never measures rows, which keeps 10,000 rows smooth.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.doubleClicked.connect(self.play_requested)
        self.context_actions: list[QAction] = []
        # The width the Artist column is given (or dragged to); a narrow window gives it less.
        self._artist_wish = ARTIST_WIDTH
        self._fitting = False

    def setup_columns(self) -> None:
        """Column widths; call after the model is set. No ResizeToContents: it reads all rows."""
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        digits = self.fontMetrics().horizontalAdvance("00000") + 24
        header.setMinimumSectionSize(digits)
        for column, mode, width in (
            (COL_NUMBER, QHeaderView.ResizeMode.Fixed, digits),
            (COL_TITLE, QHeaderView.ResizeMode.Stretch, 0),
            (COL_ARTIST, QHeaderView.ResizeMode.Interactive, ARTIST_WIDTH),
            (COL_DURATION, QHeaderView.ResizeMode.Fixed, digits + 16),
        ):
            header.setSectionResizeMode(column, mode)
            if width:
                header.resizeSection(column, width)
        header.sectionResized.connect(self._on_section_resized)
        self._fit_artist()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # not a scroll bar coming and going
            self._fit_artist()

    def _fit_artist(self) -> None:
        """Artist takes its width up to a share of the table, so that in a narrow window the
        title keeps the room (it stretches) and no sideways scroll bar appears."""
        header = self.horizontalHeader()
        share = int(self.viewport().width() * ARTIST_SHARE)
        width = max(header.minimumSectionSize(), min(self._artist_wish, share))
        if header.sectionSize(COL_ARTIST) != width:
            self._fitting = True
            try:
                header.resizeSection(COL_ARTIST, width)
            finally:
                self._fitting = False

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if column == COL_ARTIST and not self._fitting:
            self._artist_wish = new  # the user dragged it: kept, within the table's share
            self._fit_artist()

    def event(self, event: QEvent) -> bool:
        if claims_arrow_key(self, event):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Handled here rather than via ``activated``: that signal means Enter on some platforms
        # and a single click on others.
        if event.key() == Qt.Key.Key_Enter and self.currentIndex().isValid():
            self.play_requested.emit(self.currentIndex())  # the keypad's; Return is an action
            return
        if leaves_on_escape(self, event):
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.context_actions:
            QMenu.exec(self.context_actions, event.globalPos(), None, self)

    def dropEvent(self, event: QDropEvent) -> None:
        internal = event.source() is self
        moved_uids = self._selected_uids() if internal else []
        super().dropEvent(event)
        if event.isAccepted():
            # The library already moved the rows. Reporting Copy stops the view from also
            # "removing the source rows" as it does after a Move, and tells a file manager or
            # a browser that nothing of theirs was moved away.
            event.setDropAction(Qt.DropAction.CopyAction)
            if internal:
                self.select_uids(moved_uids)

    def _selected_uids(self) -> list[str]:
        return [str(index.data(UID_ROLE)) for index in self.selectionModel().selectedRows()]

    def select_uids(self, uids: list[str]) -> None:
        """Select the rows of these tracks (those shown); the first becomes current, in view."""
        model = self.model()
        wanted = set(uids)
        selection = QItemSelection()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(UID_ROLE) in wanted:
                selection.select(index, model.index(row, model.columnCount() - 1))
        if selection.isEmpty():
            return
        first = selection.indexes()[0]
        self.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.selectionModel().select(selection, flags)
        self.scrollTo(first)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            centre = Qt.AlignmentFlag.AlignCenter
            painter.drawText(self.viewport().rect(), centre, self.empty_text())
            painter.end()

    def empty_text(self) -> str:
        """What the table says when it shows no row: the playlist is empty, or the filter
        matched nothing (not "No tracks yet" over a playlist of a hundred)."""
        model = self.model()
        if isinstance(model, TrackFilterProxy) and model.filter_text().strip():
            source = model.sourceModel()
            if source is not None and source.rowCount() > 0:
                return f"No tracks match \u201c{model.filter_text().strip()}\u201d."
        source = model.sourceModel() if isinstance(model, TrackFilterProxy) else model
        if isinstance(source, TrackTableModel) and source.loops:  # the built-in sounds
            return "No sleep sounds here: Playlist \u25b8 Restore Sleep Sounds brings them back."
        return str(self.property("emptyText") or "")


class PlaylistPanel(QWidget):
    """Header (name, count, filter) and the table of the library's current playlist."""

    def __init__(
        self,
        controller: PlaybackController,
        library: LibraryService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._library = library
        self.model = TrackTableModel(library, self)
        self.proxy = TrackFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        # A long name is cut, not the filter box beside it; in the middle, so that " copy" shows.
        self.title = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.title.setObjectName("playlistTitle")
        # In a narrow window the count gives way first: the name is what is read.
        self.count = ElidedLabel()
        self.count.setObjectName("dimLabel")
        self.filter = FilterEdit()
        self.filter.setMaximumWidth(300)
        self.filter.setMinimumWidth(160)  # the title gives way first
        self.table = TrackTableView()
        self.table.setModel(self.proxy)
        self.table.setup_columns()
        # "emptyText": the window words it with the user's keys (MainWindow._show_key_hints).

        header = QHBoxLayout()
        header.setContentsMargins(14, 8, 10, 8)
        header.setSpacing(10)
        header.addWidget(self.title)
        header.addWidget(self.count)
        header.addStretch(1)
        header.addWidget(self.filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.table, 1)

        self._count_timer = QTimer(self, singleShot=True, interval=0)
        self._count_timer.timeout.connect(self._update_header)
        for signal in (
            self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved,
            self.model.dataChanged,
        ):  # fmt: skip
            signal.connect(self._count_timer.start)
        self.filter.textChanged.connect(self.proxy.set_filter_text)
        self._filter_words: list[str] = []
        # After the proxy: the view shows the new results from their first row.
        self.filter.textChanged.connect(self._on_filter_text_changed)
        # The empty table names the filter: a new one that matches nothing changes no rows.
        self.filter.textChanged.connect(self.table.viewport().update)
        # Filled on focus, not on the first keystroke, which then only compares.
        self.filter.focused.connect(self.model.prepare_search)
        self.filter.leave_requested.connect(self._on_filter_leave_requested)
        self.table.play_requested.connect(self._on_table_play_requested)
        # Queued: importing switches playlists, which resets the model; not inside its drop.
        self.model.playlist_files_dropped.connect(
            self.import_playlists, Qt.ConnectionType.QueuedConnection
        )
        library.playlists_changed.connect(self._update_header)
        controller.track_changed.connect(self._on_controller_track_changed)
        self._on_controller_track_changed(controller.current_track)

    # --- commands
    def set_playlist(self, uid: str | None) -> None:
        if uid != self.model.playlist_uid:
            self.model.set_playlist(uid)
            self._update_header()

    def playlist_uid(self) -> str | None:
        return self.model.playlist_uid

    def selected_source_rows(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return sorted(self.proxy.mapToSource(index).row() for index in rows)

    def remove_selected(self) -> list[tuple[int, Track]]:
        """Remove the selected rows; the selection moves to the row that took their place.
        Returns what ``LibraryService.remove_rows`` returned (for Undo)."""
        uid = self.model.playlist_uid
        proxy_rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        if uid is None or not proxy_rows:
            return []
        removed = self._library.remove_rows(uid, self.selected_source_rows())
        row = min(proxy_rows[0], self.proxy.rowCount() - 1)
        if row >= 0:
            self.table.setCurrentIndex(self.proxy.index(row, COL_TITLE))
            self.table.selectRow(row)
        return removed

    def select_tracks(self, uid: str, track_uids: list[str]) -> None:
        """Select these tracks if playlist ``uid`` is the one shown (Undo brought them back)."""
        if uid == self.model.playlist_uid:
            self.table.select_uids(track_uids)

    def import_playlists(self, paths: list[str]) -> None:
        """Import playlist files as playlists of their own and show the last one imported."""
        uids = [uid for uid in map(self._library.import_playlist_file, paths) if uid]
        if uids:
            self._library.set_current(uids[-1])

    def add_links(self, links: Links, row: int | None = None) -> None:
        """Files and folders are scanned and links checked, in their order; playlist files
        are imported as playlists of their own."""
        uid = self.model.playlist_uid
        if uid is not None:
            add_in_order(self._library, uid, links.to_add, row, self)
        if links.playlist_files:
            self.import_playlists(links.playlist_files)

    def play_current(self) -> None:
        """Play the track at the table's cursor (Enter, the context menu's Play)."""
        self._on_table_play_requested(self.table.currentIndex())

    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    # --- handlers
    def _on_table_play_requested(self, index: QModelIndex) -> None:
        uid = self.model.playlist_uid
        if uid is not None and index.isValid():
            track = self.model.track(self.proxy.mapToSource(index).row())
            self._controller.play_track(uid, track.uid)

    def _on_filter_text_changed(self, text: str) -> None:
        """Results from the top (the view kept its old offset, and showed the last matches of
        10,000 rows); with the filter cleared, back to the selected track, if any."""
        words = text.split()
        if words == self._filter_words:
            return  # a space typed: the same results, and the view stays
        self._filter_words = words
        current = self.table.currentIndex()
        if not words and current.isValid():
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.PositionAtCenter)
        else:
            self.table.scrollToTop()

    def _on_filter_leave_requested(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    def _on_controller_track_changed(self, track: object) -> None:
        self.model.set_playing(getattr(track, "uid", None))

    def _update_header(self) -> None:
        uid = self.model.playlist_uid
        playlist = self._library.playlist(uid) if uid else None
        self.title.set_full_text(playlist.name if playlist else "")
        self.title.setMinimumWidth(min(self.title.sizeHint().width(), TITLE_KEPT_PX))
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        text = counted(total, "sound" if self.model.loops else "track")
        if shown != total:
            text = f"{shown:,} of {text}"
        if self.model.loops and total:
            text += " · each loops"
        minutes = self.model.total_duration_ms() // 60_000
        if minutes and shown == total:
            hours, minutes = divmod(minutes, 60)
            text += f" · {hours} h {minutes} min" if hours else f" · {minutes} min"
        self.count.set_full_text(text)
