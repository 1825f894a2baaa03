"""The one rule for telling the sleep timer that someone is awake (activity grace).

Every front end (the window's actions, the tray, MPRIS, a second launch) runs the user's
command inside :func:`user_command`, which tells the timer afterwards, and whether the command
asked for silence:

* **quiet**: ``pause``, ``stop``, a ``toggle`` that paused, muting, and a volume change that
  did not raise the volume. In the minute after the timer ended, or during its suspend
  countdown, these end the timer and leave the player silent: a headset's pause button must
  never bring the sound back, and neither may turning the sound down (a desktop widget
  scrolled over, a volume of 0).
* everything else (play, a ``toggle`` that plays, next, seek, unmuting, turning the volume up,
  a playlist...) is activity as before: during the fade or after the end it brings the sound
  back.

Reported after the command, never before: in the grace minute, activity resumes playback, and a
Play/Pause that came after that would pause it again. The timer's own commands (+5 min,
cancel...) are not reported: they set the timer themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sleepplayer.playback.backend import PlayerState

#: States in which a toggle pauses (the controller's own rule in ``toggle``).
SOUNDING = (PlayerState.PLAYING, PlayerState.OPENING, PlayerState.BUFFERING)
#: Controller commands that ask for silence whatever the state.
QUIET_COMMANDS = frozenset({"pause", "stop"})
#: Quiet unless they raised the volume: "louder" is a request for sound, "softer" is not.
_VOLUME_COMMANDS = frozenset({"set_volume", "change_volume"})
_MUTE_COMMANDS = frozenset({"toggle_mute", "set_muted"})


class ActivitySink(Protocol):
    """The sleep timer, as far as activity goes."""

    def notify_activity(self, *, quiet: bool = False) -> None: ...


class PlayerView(Protocol):
    """The controller, as far as the rule reads it."""

    @property
    def state(self) -> PlayerState: ...

    @property
    def muted(self) -> bool: ...

    @property
    def volume(self) -> int: ...


def asks_for_silence(
    command: str, *, sounded_before: bool, muted_after: bool, louder: bool = False
) -> bool:
    """Whether ``command`` (a controller method's name) asked for silence."""
    if command == "toggle":
        # Decided by the state before: the engine reports a pause later, so the state right
        # after the toggle may still say "playing" (or, after a play, still "paused").
        return sounded_before
    if command in _MUTE_COMMANDS:
        return muted_after
    if command in _VOLUME_COMMANDS:
        return not louder
    return command in QUIET_COMMANDS


@contextmanager
def user_command(
    timer: ActivitySink | None, controller: PlayerView, command: str
) -> Iterator[None]:
    """Run the user's ``command`` in the ``with`` block, then report it to ``timer`` (None:
    nothing to report). ``command`` names the controller method run, or for other commands
    what was done ("toggle_window", "open_uri"...), which count as plain activity."""
    sounded_before = controller.state in SOUNDING
    volume_before = controller.volume
    yield
    if timer is not None:
        quiet = asks_for_silence(
            command,
            sounded_before=sounded_before,
            muted_after=controller.muted,
            louder=controller.volume > volume_before,
        )
        timer.notify_activity(quiet=quiet)
