"""The playlist sidebar: pick, create, rename inline, duplicate, delete, reorder by drag.

A handful of playlists only, so the list is simply rebuilt whenever the library says they
changed. Dropping tracks from the table onto a playlist copies them there; dropping files adds
them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QWidget,
)

from sleepplayer.core.model import Playlist, new_uid
from sleepplayer.core.text import counted
from sleepplayer.services.library import LibraryService
from sleepplayer.ui import icons
from sleepplayer.ui.list_keys import claims_arrow_key, leaves_on_escape
from sleepplayer.ui.track_model import ROWS_MIME, decode_rows, local_paths

_UID = Qt.ItemDataRole.UserRole


def drop_target_index(from_index: int, drop_row: int) -> int:
    """Final index of an item dragged from ``from_index`` to just before row ``drop_row``."""
    return drop_row - 1 if drop_row > from_index else drop_row


def delete_note(count: int) -> str:
    """What deleting a playlist of ``count`` tracks takes away, and what it leaves."""
    back = "Edit \u25b8 Undo brings it back."
    if count == 0:
        return f"It is empty. {back}"
    if count == 1:
        return f"Its one track goes with it; the file on disk stays. {back}"
    return f"Its {count:,} tracks go with it; the files on disk stay. {back}"


def confirm_delete(parent: QWidget, name: str, count: int) -> bool:
    """Ask before deleting a playlist (files on disk are never touched)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Delete Playlist",
        f"Delete the playlist “{name}”?",
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText(delete_note(count))
    delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is delete


class PlaylistSidebar(QListWidget):
    """Lists ``library.playlists()``; selecting one makes it current."""

    #: A rename finished or was cancelled; focus may go back to the tracks.
    editing_finished = Signal()
    #: Delete was pressed here: the window deletes the playlist (asking first, with Undo).
    delete_requested = Signal()

    def __init__(self, library: LibraryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._library = library
        self._rebuilding = False
        self._naming: str | None = None  # a playlist just made, while its name is typed
        #: Replaced in tests; asks (parent, name, track count) before a delete.
        self.confirm: Callable[[QWidget, str, int], bool] = confirm_delete
        self.context_actions: list[QAction] = []
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Cut in the middle: names made from others differ at the end ("Rain copy", "Rain 2").
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # F2 is an action
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setUniformItemSizes(True)
        # A long name ends in "…" (the view's elide mode) instead of a sideways scroll bar.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.currentItemChanged.connect(self._on_current_item_changed)
        self.itemChanged.connect(self._on_item_changed)
        self.itemDelegate().closeEditor.connect(self._on_delegate_close_editor)
        library.playlists_changed.connect(self.rebuild)
        library.current_changed.connect(self._on_library_current_changed)
        icons.notifier().icons_changed.connect(self.rebuild)
        self.rebuild()

    # --- commands
    def rebuild(self) -> None:
        self._naming = None  # a rebuild ends any editing, without closeEditor
        self._rebuilding = True
        self.clear()
        current = self._library.current_playlist()
        # Quiet glyphs; the soft selection background keeps normal text, so the icon does too.
        palette = self.palette()
        icon = icons.icon(
            "playlist",
            palette.color(QPalette.ColorRole.PlaceholderText),
            palette.color(QPalette.ColorRole.Text),
        )
        for playlist in self._library.playlists():
            item = QListWidgetItem(icon, playlist.name)
            item.setData(_UID, playlist.uid)
            item.setToolTip(f"{playlist.name} · {counted(len(playlist.tracks), 'track')}")
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            flags |= Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled
            item.setFlags(flags | Qt.ItemFlag.ItemIsDropEnabled)
            self.addItem(item)
            if current is not None and playlist.uid == current.uid:
                self.setCurrentItem(item, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._rebuilding = False

    def current_uid(self) -> str | None:
        item = self.currentItem()
        return str(item.data(_UID)) if item is not None else None

    def start_rename(self, uid: str | None = None) -> None:
        item = self._item(uid or self.current_uid())
        if item is not None:
            self.setCurrentItem(item)
            self.editItem(item)

    def new_playlist(self) -> None:
        uid = self._library.create_playlist("New playlist")
        self._library.set_current(uid)
        self._naming = uid
        self.start_rename(uid)

    def duplicate_current(self) -> None:
        uid = self.current_uid()
        if uid is not None:
            self._library.set_current(self._library.duplicate_playlist(uid))

    def delete_current(self) -> tuple[int, Playlist] | None:
        """Asks, then deletes; returns what ``LibraryService.delete_playlist`` returned."""
        uid = self.current_uid()
        playlist = self._library.playlist(uid) if uid else None
        if playlist is None or playlist.builtin:
            return None
        if self.confirm(self, playlist.name, len(playlist.tracks)):
            return self._library.delete_playlist(playlist.uid)
        return None

    def current_is_builtin(self) -> bool:
        uid = self.current_uid()
        playlist = self._library.playlist(uid) if uid else None
        return playlist is None or playlist.builtin

    # --- Qt overrides
    def event(self, event: QEvent) -> bool:
        if claims_arrow_key(self, event):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if leaves_on_escape(self, event):
            return
        if event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.context_actions:
            QMenu.exec(self.context_actions, event.globalPos(), None, self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.source() is self:
            super().dragEnterEvent(event)
        elif event.mimeData().hasFormat(ROWS_MIME) or local_paths(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.source() is self:
            super().dragMoveEvent(event)
            return
        # Tracks and files land *on* a playlist, so only accept over an item.
        if self.itemAt(event.position().toPoint()) is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        point = event.position().toPoint()
        if event.source() is self:
            self._drop_reorder(point)
        else:
            self._drop_onto_playlist(event, point)
        # The library rebuilds the list; never let QListWidget move or delete items itself.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    # --- helpers
    def _drop_reorder(self, point: QPoint) -> None:
        from_index = self.currentRow()
        target = self.indexAt(point)
        if target.isValid():
            rect = self.visualRect(target)
            row = target.row() + (1 if point.y() > rect.center().y() else 0)
        else:
            row = self.count()
        to_index = drop_target_index(from_index, row)
        if from_index >= 0 and to_index != from_index:
            # Deferred: the move rebuilds this list, which must not happen inside its own drop.
            QTimer.singleShot(0, self, lambda: self._library.move_playlist(from_index, to_index))

    def _drop_onto_playlist(self, event: QDropEvent, point: QPoint) -> None:
        item = self.itemAt(point)
        if item is None:
            return
        uid = str(item.data(_UID))
        data = event.mimeData()
        if data.hasFormat(ROWS_MIME):
            source_uid, rows = decode_rows(data)
            source = self._library.playlist(source_uid) if source_uid else None
            if source is not None:
                # Copies get their own uids: identity within a playlist is the uid.
                tracks = [source.tracks[r].with_changes(uid=new_uid()) for r in rows]
                self._library.add_tracks(uid, tracks)
        else:
            self._library.add_paths(uid, local_paths(data))

    def _item(self, uid: str | None) -> QListWidgetItem | None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(_UID) == uid:
                return item
        return None

    def _on_current_item_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None and not self._rebuilding:
            self._library.set_current(str(current.data(_UID)))

    def _on_delegate_close_editor(self, *_: object) -> None:
        self._naming = None
        self.editing_finished.emit()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._rebuilding:
            return
        uid = str(item.data(_UID))
        playlist = self._library.playlist(uid)
        name = item.text().strip()
        if playlist is not None and name and name != playlist.name:
            # Deferred: the rename rebuilds the list, deleting this item while Qt still
            # holds it inside the editor's commit.
            undoable = uid != self._naming  # naming a new one is no rename to undo
            self._naming = None
            QTimer.singleShot(
                0, self, lambda: self._library.rename_playlist(uid, name, undoable=undoable)
            )
        elif playlist is not None:
            self._rebuilding = True
            item.setText(playlist.name)  # blank: put the real name back
            self._rebuilding = False

    def _on_library_current_changed(self, uid: str) -> None:
        item = self._item(uid)
        if item is not None and item is not self.currentItem():
            self._rebuilding = True
            self.setCurrentItem(item)
            self._rebuilding = False
