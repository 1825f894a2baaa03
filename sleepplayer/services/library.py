"""LibraryService: playlists and their tracks; adds files and folders off the GUI thread.

(API skeleton; bodies are being filled in.)
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from sleepplayer.core.model import Library, Playlist, Track


class LibraryService(QObject):
    """Owns the Library. Every change goes through here and is saved (debounced)."""

    #: The list of playlists changed (added, removed, renamed, reordered).
    playlists_changed = Signal()
    #: The current playlist changed (uid).
    current_changed = Signal(str)
    #: (playlist_uid, first_row, count) rows were inserted.
    tracks_inserted = Signal(str, int, int)
    #: (playlist_uid, first_row, count) rows are gone. Emitted after removal.
    tracks_removed = Signal(str, int, int)
    #: (playlist_uid) the whole track list changed (reorder, load): re-read everything.
    tracks_reset = Signal(str)
    #: (playlist_uid, row) one track's fields changed (tags read, marked unavailable).
    track_updated = Signal(str, int)
    #: Adding files: (done, total); total 0 means still counting.
    scan_progress = Signal(int, int)
    #: Adding finished: (playlist_uid, number of tracks added).
    scan_finished = Signal(str, int)
    #: A message for the status bar.
    message = Signal(str)

    @property
    def library(self) -> Library: ...
    def playlists(self) -> list[Playlist]: ...
    def playlist(self, uid: str) -> Playlist | None: ...
    def current_playlist(self) -> Playlist | None: ...
    def set_current(self, uid: str) -> None: ...

    # --- playlists
    def create_playlist(self, name: str) -> str:
        """Returns the new uid; a unique name is made when taken ("Name 2")."""
    def rename_playlist(self, uid: str, name: str) -> None: ...
    def duplicate_playlist(self, uid: str) -> str: ...
    def delete_playlist(self, uid: str) -> None:
        """Deletes; ``undo_delete`` brings the last deleted playlist back where it was."""
    def undo_delete(self) -> bool: ...
    def move_playlist(self, from_index: int, to_index: int) -> None: ...

    # --- tracks
    def add_paths(self, playlist_uid: str, paths: Sequence[str], row: int | None = None) -> None:
        """Files and folders (recursive, natural order); scanned and tagged in a worker."""
    def add_tracks(self, playlist_uid: str, tracks: Sequence[Track],
                   row: int | None = None) -> None: ...
    def remove_rows(self, playlist_uid: str, rows: Sequence[int]) -> None: ...
    def move_rows(self, playlist_uid: str, rows: Sequence[int], dest_row: int) -> None:
        """Move the rows (any order) so they sit, in order, before ``dest_row``."""
    def update_track(self, playlist_uid: str, track: Track) -> None:
        """Replace the track with the same uid (e.g. mark unavailable)."""
    def save_now(self) -> None: ...
