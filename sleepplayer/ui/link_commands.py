"""The window's commands for links and playlist files: Open URL, paste, import, export.

The dialogs are attributes, so tests replace them (a modal dialog cannot be driven offscreen)
and test everything around them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from sleepplayer.core.links import Links, split_links
from sleepplayer.services.library import LibraryService
from sleepplayer.services.playlist_files import all_under, local_file
from sleepplayer.services.usable_items import NOT_FOUND, Unusable, unusable_message
from sleepplayer.ui.playlist_view import PlaylistPanel
from sleepplayer.ui.track_model import droppable, links_from_mime

if TYPE_CHECKING:
    from sleepplayer.ui.playlist_file_dialogs import ExportChoice

_UNSAFE = frozenset('<>:"/\\|?*')


def safe_file_name(name: str) -> str:
    """A playlist name usable as a file name on every system."""
    cleaned = "".join("_" if c in _UNSAFE or ord(c) < 32 else c for c in name).strip(" .")
    return cleaned or "Playlist"


# The dialogs' modules are imported when a dialog first opens: their widget classes would stay
# in memory all night for a command used now and then.
def _ask_links(parent: QWidget | None) -> list[str]:
    from sleepplayer.ui.open_url_dialog import ask_links

    return ask_links(parent)


def _ask_import_paths(parent: QWidget | None, start: str) -> list[str]:
    from sleepplayer.ui.playlist_file_dialogs import ask_import_paths

    return ask_import_paths(parent, start)


def _ask_export_choice(
    parent: QWidget | None, suggested: str, has_local: bool, relative_default: bool
) -> ExportChoice | None:
    from sleepplayer.ui.playlist_file_dialogs import ask_export_choice

    return ask_export_choice(parent, suggested, has_local, relative_default)


def first_folder() -> str:
    """The user's Music folder, or home when there is none."""
    music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
    return music if music and os.path.isdir(music) else str(Path.home())


class LinkCommands:
    """Adds links and playlist files to the library's current playlist (the panel's)."""

    def __init__(
        self,
        parent: QWidget,
        library: LibraryService,
        panel: PlaylistPanel,
        show_problem: Callable[[str], None],
    ) -> None:
        self._parent = parent
        self._library = library
        self._panel = panel
        self._show_problem = show_problem
        #: Start folder for the file dialogs: the Music folder at first (not the folder the
        #: app was started from), then wherever files came from last.
        self.last_dir = first_folder()
        self.ask_links: Callable[[QWidget | None], list[str]] = _ask_links
        self.ask_import_paths: Callable[[QWidget | None, str], list[str]] = _ask_import_paths
        self.ask_export_choice: Callable[[QWidget | None, str, bool, bool], ExportChoice | None] = (
            _ask_export_choice
        )

    def open_url(self) -> None:
        """Links from the dialog (words that are no link get named in the message)."""
        lines = self.ask_links(self._parent)
        if lines:
            links = self._without_missing(split_links(lines))
            if links:
                self.add(links)

    def paste(self) -> None:
        """Links and files from the clipboard."""
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData() if clipboard is not None else None
        links = links_from_mime(mime) if mime is not None else Links()
        if not droppable(links):
            self._show_problem("Nothing to paste: the clipboard holds no links or files.")
            return
        links = self._without_missing(links)
        if droppable(links):
            self.add(links)

    def _without_missing(self, links: Links) -> Links:
        """Pasted or typed text: a path to nothing is named and left out, as on the command
        line, not added as a dead row (a dropped file is always there)."""
        gone = [p for p in (*links.paths, *links.playlist_files) if not os.path.exists(p)]
        if not gone:
            return links
        self._show_problem(unusable_message([Unusable(p, NOT_FOUND) for p in gone]))
        return links.without(gone)

    def add(self, links: Links) -> None:
        if links.paths:
            self.last_dir = str(Path(links.paths[0]).parent)
        self._panel.add_links(links)

    def import_playlists(self) -> None:
        paths = self.ask_import_paths(self._parent, self.last_dir)
        if paths:
            self.last_dir = str(Path(paths[0]).parent)
            self._panel.import_playlists(paths)

    def export_playlist(self) -> None:
        uid = self._panel.playlist_uid()
        playlist = self._library.playlist(uid) if uid else None
        if playlist is None:
            return
        folder = self.last_dir or str(Path.home())
        suggested = os.path.join(folder, f"{safe_file_name(playlist.name)}.m3u8")
        has_local = any(local_file(t) is not None for t in playlist.tracks)
        relative_default = all_under(folder, playlist.tracks)
        choice = self.ask_export_choice(self._parent, suggested, has_local, relative_default)
        if choice is None:
            return
        self.last_dir = str(Path(choice.path).parent)
        self._library.export_playlist(playlist.uid, choice.path, choice.fmt, choice.relative)
