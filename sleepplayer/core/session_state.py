"""Where playback was when the app last quit, so the next launch can pick up from there."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sleepplayer.core.sleep_plan import EndAction, FadeCurve
from sleepplayer.core.timer_options import is_value_of, seconds_in_range

RESUME_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ResumeTimer:
    """The sleep timer that ran at quit, for a next launch that plays on: its wall-clock end
    (epoch seconds) and how it was to end. ``ends_at`` None: it cannot be set again (it ended
    with tracks, or the file is damaged), so the next launch must not play on by itself."""

    ends_at: float | None
    fade_s: float = 0.0
    curve: FadeCurve = FadeCurve.GENTLE
    end_action: EndAction = EndAction.PAUSE
    let_track_finish: bool = False
    max_finish_wait_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "ends_at": self.ends_at,
            "fade_s": self.fade_s,
            "curve": self.curve.value,
            "end_action": self.end_action.value,
            "let_track_finish": self.let_track_finish,
            "max_finish_wait_s": self.max_finish_wait_s,
        }

    @classmethod
    def from_dict(cls, d: object) -> ResumeTimer:
        """Anything malformed is a timer that cannot be set again (never no timer at all)."""
        if not isinstance(d, Mapping):
            return cls(None)
        # NaN for a missing number: not in any range.
        ends_at, fade_s = d.get("ends_at", math.nan), d.get("fade_s", math.nan)
        wait_s = d.get("max_finish_wait_s", math.nan)
        curve, end_action = d.get("curve"), d.get("end_action")
        let_finish = d.get("let_track_finish")
        if not (
            seconds_in_range(ends_at, 0, math.inf)
            and seconds_in_range(fade_s, 0)
            and seconds_in_range(wait_s, 0)
            and is_value_of(curve, FadeCurve)
            and is_value_of(end_action, EndAction)
            and isinstance(let_finish, bool)
        ):
            return cls(None)
        return cls(
            float(ends_at),
            float(fade_s),
            FadeCurve(curve),
            EndAction(end_action),
            let_finish,
            float(wait_s),
        )


@dataclass(frozen=True)
class ResumeState:
    """The current playlist and track, the position within that track, and whether it was
    playing (the ``resume_playing`` setting starts it again on the next launch)."""

    playlist_uid: str | None = None
    track_uid: str | None = None
    position_ms: int = 0
    playing: bool = False
    #: The sleep timer that ran while it played, if one did.
    timer: ResumeTimer | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, with ``schema_version``."""
        return {
            "schema_version": RESUME_SCHEMA_VERSION,
            "playlist_uid": self.playlist_uid,
            "track_uid": self.track_uid,
            "position_ms": self.position_ms,
            # Before "playing": a file cut inside the timer (read up to the damage, see
            # core.json_salvage) then has no "playing" either, and nothing plays on by itself.
            "timer": None if self.timer is None else self.timer.to_dict(),
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
        raw_timer = d.get("timer")
        timer = None if raw_timer is None else ResumeTimer.from_dict(raw_timer)
        return cls(playlist_uid, track_uid, position_ms, playing, timer)


def _opt_str(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value != "")
