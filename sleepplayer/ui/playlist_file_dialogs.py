"""The file dialogs for importing and exporting playlists, kept apart so tests can replace them.

Export picks the format by the file type filter (or the extension typed), and, only when the
playlist holds local files, asks one calm follow-up question: relative or absolute paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

#: Format -> file dialog filter, in the order offered (the first is the default).
EXPORT_FILTERS = {
    "m3u8": "M3U8 playlist (*.m3u8)",
    "m3u": "M3U playlist (*.m3u)",
    "pls": "PLS playlist (*.pls)",
    "xspf": "XSPF playlist (*.xspf)",
}
IMPORT_FILTER = "Playlists (*.m3u *.m3u8 *.pls *.xspf);;All files (*)"


@dataclass(frozen=True)
class ExportChoice:
    """Where and how to export."""

    path: str
    fmt: str
    relative: bool


def export_target(path: str, selected_filter: str) -> tuple[str, str]:
    """(path, format): a known extension typed by the user wins, else the chosen filter's
    format, whose extension is then added."""
    extension = os.path.splitext(path)[1].lower().lstrip(".")
    if extension in EXPORT_FILTERS:
        return path, extension
    fmt = next((f for f, text in EXPORT_FILTERS.items() if text == selected_filter), "m3u8")
    return f"{path}.{fmt}", fmt


def ask_import_paths(parent: QWidget | None, start_dir: str) -> list[str]:
    """Playlist files to import; [] when cancelled."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, "Import Playlist", start_dir, IMPORT_FILTER
    )
    return list(paths)


def ask_export_choice(
    parent: QWidget | None, suggested_path: str, has_local: bool, relative_default: bool
) -> ExportChoice | None:
    """Ask where to export, in which format, and (only with local files) which paths."""
    path, selected = QFileDialog.getSaveFileName(
        parent,
        "Export Playlist",
        suggested_path,
        ";;".join(EXPORT_FILTERS.values()),
        EXPORT_FILTERS["m3u8"],
    )
    if not path:
        return None
    path, fmt = export_target(path, selected)
    if not has_local:
        return ExportChoice(path, fmt, relative=False)
    box = QMessageBox(parent)
    box.setWindowTitle("Export Playlist")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText("How should the playlist point to your files?")
    box.setInformativeText(
        "Relative paths keep working when the playlist moves together with the files. "
        "Absolute paths keep working when only the playlist moves."
    )
    relative = box.addButton("&Relative Paths", QMessageBox.ButtonRole.AcceptRole)
    absolute = box.addButton("A&bsolute Paths", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(relative if relative_default else absolute)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked not in (relative, absolute):
        return None
    return ExportChoice(path, fmt, relative=clicked is relative)
