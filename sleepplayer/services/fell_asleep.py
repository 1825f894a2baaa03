"""Where did I fall asleep? The moment and position at which each sleep-timer fade began.

Kept per track (the last fade start in that track) and overall (the latest), in a small JSON
file in the state directory, so "Resume from where I fell asleep" works after a restart.
:func:`resume_from` plays such a point again, a little before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sleepplayer.core.storage import StorageError, atomic_write_json, load_document
from sleepplayer.services.controller import PlaybackController

FELL_ASLEEP_SCHEMA_VERSION = 1
#: Per-track entries kept; the oldest go first (the file stays small over years of nights).
MAX_TRACKS_REMEMBERED = 500
#: "Resume from where I fell asleep" starts this long before the fade began.
RESUME_BEFORE_MS = 30_000


@dataclass(frozen=True)
class FellAsleep:
    """One fade start: which track, where in it, and when (POSIX seconds)."""

    playlist_uid: str
    track_uid: str
    position_ms: int
    wall_ts: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "playlist_uid": self.playlist_uid,
            "track_uid": self.track_uid,
            "position_ms": self.position_ms,
            "wall_ts": self.wall_ts,
        }

    @classmethod
    def from_dict(cls, d: Any) -> FellAsleep | None:
        """None for anything malformed: a wrong resume point is worse than none."""
        if not isinstance(d, Mapping):
            return None
        playlist, track = d.get("playlist_uid"), d.get("track_uid")
        position, wall = d.get("position_ms"), d.get("wall_ts")
        if not (isinstance(playlist, str) and playlist and isinstance(track, str) and track):
            return None
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            return None
        if not isinstance(wall, int | float) or isinstance(wall, bool):
            return None
        return cls(playlist, track, position, float(wall))


class FellAsleepMemory:
    """The latest fade start and the last one per track; saved atomically on every record."""

    def __init__(self, path: Path | None = None) -> None:
        self._path: Path | None = None
        self._latest: FellAsleep | None = None
        self._per_track: dict[str, FellAsleep] = {}
        #: A message for the user from the last load or save, or None.
        self.problem: str | None = None
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        """Use (and load) this file."""
        self._path = Path(path)
        (latest, per_track), problem, _ = load_document(
            self._path, _parse, lambda: (None, dict[str, FellAsleep]())
        )
        self._latest, self._per_track, self.problem = latest, per_track, problem

    @property
    def latest(self) -> FellAsleep | None:
        return self._latest

    def for_track(self, track_uid: str) -> FellAsleep | None:
        return self._per_track.get(track_uid)

    def record(self, entry: FellAsleep) -> None:
        self._latest = entry
        self._per_track.pop(entry.track_uid, None)
        self._per_track[entry.track_uid] = entry  # re-inserted last: dicts keep order
        while len(self._per_track) > MAX_TRACKS_REMEMBERED:
            del self._per_track[next(iter(self._per_track))]
        self._save()

    def _save(self) -> None:
        if self._path is None:
            return
        doc = {
            "schema_version": FELL_ASLEEP_SCHEMA_VERSION,
            "latest": self._latest.to_dict() if self._latest else None,
            "tracks": [e.to_dict() for e in self._per_track.values()],
        }
        try:
            atomic_write_json(self._path, doc)
            self.problem = None
        except StorageError as exc:
            # Once a night at most, and never worth interrupting the fade for.
            self.problem = str(exc)


def resume_from(controller: PlaybackController, entry: FellAsleep) -> bool:
    """Play the track of ``entry`` from ``RESUME_BEFORE_MS`` before its fade began; False when
    that track cannot be played any more (removed from its playlist, say)."""
    controller.play_track(entry.playlist_uid, entry.track_uid)
    track = controller.current_track
    if track is None or track.uid != entry.track_uid:
        return False
    target = max(0, entry.position_ms - RESUME_BEFORE_MS)
    if target > 0:
        # Before the engine plays, the controller keeps the seek and applies it then.
        controller.seek(target)
    return True


def _parse(d: dict[str, Any]) -> tuple[tuple[FellAsleep | None, dict[str, FellAsleep]], list[str]]:
    problems: list[str] = []
    raw_latest = d.get("latest")
    latest = FellAsleep.from_dict(raw_latest) if raw_latest is not None else None
    if raw_latest is not None and latest is None:
        problems.append("the latest entry is not valid")
    per_track: dict[str, FellAsleep] = {}
    raw_tracks = d.get("tracks", [])
    for raw in raw_tracks if isinstance(raw_tracks, list) else []:
        entry = FellAsleep.from_dict(raw)
        if entry is None:
            problems.append("a track entry is not valid")
            continue
        per_track[entry.track_uid] = entry
    return (latest, per_track), problems
