"""ItemLoader: puts opened items (the command line) into one playlist and says when all are in.

Saved playlists and playlist files go in at once; files and folders are scanned off the GUI
thread, then links are checked (after the scan, so they follow the files). ``finished`` comes
when everything asked for is settled, so the caller can start playing the whole list.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.links import OpenItems
from sleepplayer.core.model import new_uid
from sleepplayer.services.library import LibraryService


class ItemLoader(QObject):
    """Loads :class:`OpenItems` into a playlist of a :class:`LibraryService`."""

    #: (playlist_uid, tracks now in the playlist): everything is in (or was refused).
    finished = Signal(str, int)

    def __init__(self, library: LibraryService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._uid = ""
        self._urls: list[str] = []
        self._step = ""

    def load(self, playlist_uid: str, items: OpenItems) -> None:
        """Start loading; ``finished`` always comes later, from the event loop."""
        self._uid = playlist_uid
        library = self._library
        copies = [t.with_changes(uid=new_uid()) for p in items.playlists for t in p.tracks]
        library.add_tracks(playlist_uid, copies)
        for path in items.playlist_files:
            library.add_playlist_file(playlist_uid, path)
        self._urls = list(items.urls)
        if items.paths:
            self._step = "scan"
            library.scan_finished.connect(self._on_library_scan_finished)
            library.add_paths(playlist_uid, items.paths)
        else:
            self._start_links()

    def _start_links(self) -> None:
        if not self._urls:
            self._step = "done"
            QTimer.singleShot(0, self._finish)
            return
        self._step = "links"
        self._library.urls_finished.connect(self._on_library_urls_finished)
        self._library.add_urls(self._uid, self._urls)

    def _on_library_scan_finished(self, playlist_uid: str, _found: int) -> None:
        if self._step == "scan" and playlist_uid == self._uid:
            self._library.scan_finished.disconnect(self._on_library_scan_finished)
            self._start_links()

    def _on_library_urls_finished(self, playlist_uid: str, _added: int) -> None:
        if self._step == "links" and playlist_uid == self._uid:
            self._library.urls_finished.disconnect(self._on_library_urls_finished)
            self._step = "done"
            self._finish()

    def _finish(self) -> None:
        playlist = self._library.playlist(self._uid)
        self.finished.emit(self._uid, len(playlist.tracks) if playlist is not None else 0)
