"""The sleep timer's phase, and which kind of end it is heading for.

Its own module because both halves of the timer read them: ``sleep_timer`` (deadline, fade,
the end) and ``track_end`` (following a track's end), and the UI reads the phase.
"""

from __future__ import annotations

import enum


class TimerPhase(enum.Enum):
    """Where the timer is in the night; the UI shows each one differently."""

    IDLE = "idle"  # not armed
    ARMED = "armed"  # counting down, full volume
    FADING = "fading"  # the fade runs
    COUNTDOWN = "countdown"  # playback ended; the silent 60 s suspend countdown runs
    GRACE = "grace"  # playback ended < 60 s ago; activity brings it back


class EndKind(enum.Enum):
    """How the end of an armed timer is found (internal to the timer services)."""

    DEADLINE = "deadline"  # a fixed wall-clock end
    DECIDE = "decide"  # let the track finish: decide at the deadline
    TRACK = "track"  # ends with the current track (the controller halts there)
    TRACKS = "tracks"  # counting track ends; the last one becomes TRACK
