"""Where playback was when the app last quit, so the next launch can pick up from there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RESUME_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ResumeState:
    """The current playlist and track, the position within that track, and whether it was
    playing (the ``resume_playing`` setting starts it again on the next launch)."""

    playlist_uid: str | None = None
    track_uid: str | None = None
    position_ms: int = 0
    playing: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, with ``schema_version``."""
        return {
            "schema_version": RESUME_SCHEMA_VERSION,
            "playlist_uid": self.playlist_uid,
            "track_uid": self.track_uid,
            "position_ms": self.position_ms,
            "playing": self.playing,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ResumeState:
        """Lenient: anything malformed gives the empty state, since a wrong resume point is
        worse than none (it could start a track the user never chose)."""
        playlist_uid = d.get("playlist_uid")
        track_uid = d.get("track_uid")
        position_ms = d.get("position_ms", 0)
        # Files from before "playing" was saved lack it: not playing, so nothing starts by itself.
        playing = d.get("playing", False) is True
        if not _opt_str(playlist_uid) or not _opt_str(track_uid):
            return cls()
        if not isinstance(position_ms, int) or isinstance(position_ms, bool) or position_ms < 0:
            # The track is still worth resuming; only the position is lost.
            position_ms = 0
        return cls(playlist_uid, track_uid, position_ms, playing)


def _opt_str(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value != "")
