"""The status bar's progress for adding files and links, with a Cancel.

Files are scanned and links checked at the same time, possibly; the links' progress is shown
over the files' (a site playlist that expands is what the user waits for). Cancel stops both.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from sleepplayer.services.library import LibraryService
from sleepplayer.ui.status_messages import link_button

_FILES, _LINKS = "files", "links"


class WorkProgress(QWidget):
    """Label, bar and Cancel; shown only while the library adds something."""

    def __init__(self, library: LibraryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._work: dict[str, tuple[str, int, int]] = {}
        self.label = QLabel()
        self.label.setObjectName("dimLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("scanProgress")
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = link_button("Cancel", self._on_cancel_clicked)
        self.cancel_button.setToolTip("Stop adding; what is in already stays")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()
        library.scan_progress.connect(self._on_library_scan_progress)
        library.scan_finished.connect(self._on_library_scan_finished)
        library.urls_progress.connect(self._on_library_urls_progress)
        library.urls_finished.connect(self._on_library_urls_finished)

    def _on_library_scan_progress(self, done: int, total: int) -> None:
        text = f"Adding files: {done:,} of {total:,}" if total else "Looking for files…"
        self._set(_FILES, (text, done, total))

    def _on_library_scan_finished(self, _playlist_uid: str, _count: int) -> None:
        self._set(_FILES, None)

    def _on_library_urls_progress(self, done: int, total: int) -> None:
        self._set(_LINKS, (f"Adding links: {done:,} of {total:,}", done, total))

    def _on_library_urls_finished(self, _playlist_uid: str, _count: int) -> None:
        if not self._library.is_adding_urls():
            self._set(_LINKS, None)

    def _on_cancel_clicked(self) -> None:
        if _LINKS in self._work:
            self._library.cancel_urls()
        if _FILES in self._work:
            self._library.cancel_scan()

    def _set(self, what: str, work: tuple[str, int, int] | None) -> None:
        if work is None:
            self._work.pop(what, None)
        else:
            self._work[what] = work
        shown = self._work.get(_LINKS) or self._work.get(_FILES)
        if shown is not None:
            text, done, total = shown
            self.bar.setRange(0, total)  # total 0: Qt shows a busy bar while counting
            self.bar.setValue(done)
            self.label.setText(text)
        self.setVisible(shown is not None)
