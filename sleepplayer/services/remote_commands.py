"""RemoteCommands: carries out what a second launch asked for (``sleepplayer --pause``, items...).

The request was checked for form by :mod:`sleepplayer.core.remote_message`; here it meets
the app. Items pass the playlist URL policy first, and whatever it refuses is named in the
window and in the reply, never dropped silently. The order is volume, items, timer, verb, so
opened items already start at the asked volume and ``--play --sleep 30m`` arms before playing.
Opened items start playing once they are loaded, so ``--play`` or ``--toggle`` with items
leaves the current track alone (as at first start, in ``run_app``).

The window comes up for a bare launch, for items without a verb, and for ``--show``
(:attr:`RemoteRequest.raises_window`). Verbs, ``--volume`` and timer options, as bound to
global shortcuts, act without lighting the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer

from sleepplayer.core.remote_message import RemoteReply, RemoteRequest, Verb
from sleepplayer.core.settings import Settings
from sleepplayer.core.timer_options import plan_from_options
from sleepplayer.core.url_policy import check_uri
from sleepplayer.services.activity import user_command
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.sleep_timer import SleepTimer

#: A refusal message names this many items, then counts the rest.
_LISTED = 3
_SHOWN_CHARS = 80
#: Verbs that opened items carry out themselves: they play once loaded (``open_items``).
#: Run at once, these would act on the old track: heard for a moment, or paused.
_DONE_BY_OPENING = frozenset({Verb.PLAY, Verb.TOGGLE})
#: The controller command each transport verb runs, reported to the sleep timer by the rule
#: every front end shares (services.activity: a pause after the end never brings sound back).
#: The timer's own verbs set the timer themselves; showing and quitting are not activity.
_COMMANDS = {
    Verb.TOGGLE: "toggle",
    Verb.PLAY: "play",
    Verb.PAUSE: "pause",
    Verb.NEXT: "next",
    Verb.PREVIOUS: "previous",
    Verb.STOP: "stop",
}


class RemoteCommands:
    """Applies :class:`RemoteRequest` s to the controller, the sleep timer and the window."""

    def __init__(
        self,
        controller: PlaybackController,
        timer: SleepTimer,
        settings: Callable[[], Settings],
        *,
        open_items: Callable[[list[str]], None],
        show_window: Callable[[], None],
        quit_app: Callable[[], None],
        show_message: Callable[[str], None],
    ) -> None:
        self._controller = controller
        self._timer = timer
        self._settings = settings
        self._open_items = open_items
        self._show_window = show_window
        self._quit_app = quit_app
        self._show_message = show_message

    def apply(self, request: RemoteRequest) -> RemoteReply:
        """Do everything the request asks; the reply lists what could not be done."""
        problems: list[str] = []
        allowed, refused = split_by_policy(request.items)
        if refused:
            problems.append(refusal_message(refused))
        if request.volume is not None:
            self._controller.set_volume(request.volume)
        if allowed:
            self._open_items(allowed)
        try:
            plan = plan_from_options(request.timer, self._settings())
        except ValueError as exc:
            problems.append(str(exc))
            plan = None
        if plan is not None:
            self._timer.arm(plan)
        command = _COMMANDS.get(request.verb) if request.verb is not None else None
        if command is None and request.volume is not None:
            command = "set_volume"
        reported = self._timer if command is not None else None
        with user_command(reported, self._controller, command or ""):
            if request.verb is not None and not (allowed and request.verb in _DONE_BY_OPENING):
                self._run(request.verb, request.extend_s)
        if request.raises_window:
            self._show_window()
        if problems:
            self._show_message(" ".join(problems))
        return RemoteReply(not problems, " ".join(problems))

    def _run(self, verb: Verb, extend_s: float | None) -> None:
        c = self._controller
        simple: dict[Verb, Callable[[], object]] = {
            Verb.TOGGLE: c.toggle,
            Verb.PLAY: c.play,
            Verb.PAUSE: c.pause,
            Verb.NEXT: c.next,
            Verb.PREVIOUS: c.previous,
            Verb.STOP: c.stop,
            Verb.CANCEL_SLEEP: self._timer.cancel,
        }  # and Verb.SHOW: apply raises the window for it (RemoteRequest.raises_window)
        if verb in simple:
            simple[verb]()
        elif verb is Verb.EXTEND and extend_s is not None:
            self._timer.extend(extend_s)
        elif verb is Verb.QUIT:
            # Later, from the event loop: the reply goes out before the app starts quitting.
            QTimer.singleShot(0, self._quit_app)


def split_by_policy(items: Sequence[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(items the local-playlist URL policy allows, [(item, why not)]) in their order."""
    allowed: list[str] = []
    refused: list[tuple[str, str]] = []
    for item in items:
        reason = check_uri(item, remote=False)
        if reason is None:
            allowed.append(item)
        else:
            refused.append((item, reason))
    return allowed, refused


def refusal_message(refused: Sequence[tuple[str, str]]) -> str:
    """``Not opened: smb://nas/a.mp3 (smb: addresses are not allowed).``"""
    shown = [f"{_short(item)} ({reason})" for item, reason in refused[:_LISTED]]
    more = len(refused) - _LISTED
    tail = f"; and {more} more" if more > 0 else ""
    return "Not opened: " + "; ".join(shown) + tail + "."


def _short(text: str) -> str:
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if len(clean) <= _SHOWN_CHARS else clean[: _SHOWN_CHARS - 1] + "…"
