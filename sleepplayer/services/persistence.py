"""Loads and saves settings, playlists and the resume point; debounced, atomic, once more on quit.

Problems (a corrupt file set aside, a read-only folder) become one human message each; a
failed save never stops playback, and changes stay in memory until a save succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from sleepplayer.core.library_io import describe_library_cut, library_from_dict, library_to_dict
from sleepplayer.core.model import Library
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.session_state import ResumeState
from sleepplayer.core.settings import (
    Settings,
    settings_from_dict,
    settings_to_dict,
    unusable_settings,
)
from sleepplayer.core.storage import StorageError, atomic_write_json, load_document

#: Quiet period before a save: a burst of changes (a drag, adding a folder) costs one write.
SAVE_DEBOUNCE_MS = 1000

SETTINGS, LIBRARY, RESUME = "settings", "library", "resume"


@dataclass
class LoadedState:
    settings: Settings
    library: Library
    resume: ResumeState
    #: Human-readable problems met while loading (already worded for the status bar).
    problems: list[str] = field(default_factory=list)
    #: The documents (SETTINGS, LIBRARY, RESUME) loaded with a problem whose file was kept as
    #: a copy: what was loaded may be written in its place. (Without a copy, the file is the
    #: only one there is, and stays until the user changes something.)
    damaged: frozenset[str] = frozenset()


def load_state(paths: AppPaths) -> LoadedState:
    """Read everything that can be read; never raises for bad files."""
    settings, settings_problem, settings_copy = load_document(
        paths.settings_file,
        settings_from_dict,
        Settings,
        if_unusable=unusable_settings,
        instead="defaults are used, at a quiet volume",
    )
    library, library_problem, library_copy = load_document(
        paths.library_file,
        library_from_dict,
        Library,
        instead="your playlists are not loaded",
        describe_cut=describe_library_cut,
    )
    resume, resume_problem, resume_copy = load_document(
        paths.resume_file, lambda d: (ResumeState.from_dict(d), []), ResumeState
    )
    problems = [p for p in (settings_problem, library_problem, resume_problem) if p]
    copies = {SETTINGS: settings_copy, LIBRARY: library_copy, RESUME: resume_copy}
    damaged = frozenset(what for what, copy in copies.items() if copy is not None)
    return LoadedState(settings, library, resume, problems, damaged)


class Store(QObject):
    """Saves what changed, after a quiet period, atomically; ``flush`` saves at once."""

    #: A problem for the status bar (a save failed; sent once until a save succeeds again).
    problem = Signal(str)

    def __init__(
        self,
        paths: AppPaths,
        *,
        settings: Callable[[], Settings],
        library: Callable[[], Library],
        resume: Callable[[], ResumeState],
        parent: QObject | None = None,
        debounce_ms: int = SAVE_DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._sources: dict[str, Callable[[], dict[str, Any]]] = {
            SETTINGS: lambda: settings_to_dict(settings()),
            LIBRARY: lambda: library_to_dict(library()),
            RESUME: lambda: resume().to_dict(),
        }
        self._targets = {
            SETTINGS: paths.settings_file,
            LIBRARY: paths.library_file,
            RESUME: paths.resume_file,
        }
        self._dirty: set[str] = set()
        self._failing = False
        self._failure = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.flush)

    def mark_dirty(self, what: str) -> None:
        """Schedule a save of SETTINGS, LIBRARY or RESUME."""
        self._dirty.add(what)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> bool:
        """Write everything that changed now. True when all writes succeeded."""
        self._timer.stop()
        failed: list[str] = []
        for what in sorted(self._dirty):
            try:
                atomic_write_json(self._targets[what], self._sources[what]())
            except StorageError as exc:
                failed.append(str(exc))
                continue
            self._dirty.discard(what)
        if failed and not self._failing:
            self.problem.emit(
                f"{failed[0]}. Playback keeps working; SleepPlayer will try again on the next "
                "change (is the disk full, or the folder read-only?)."
            )
        self._failing = bool(failed)
        self._failure = failed[0] if failed else ""
        return not failed

    @property
    def failing(self) -> bool:
        """The last save failed: changes are kept in memory only."""
        return self._failing

    @property
    def failure(self) -> str:
        """Why the last save failed ("Cannot save …: Read-only file system"), or ""."""
        return self._failure
