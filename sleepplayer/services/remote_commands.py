"""RemoteCommands: carries out what a second launch asked for (``sleepplayer --pause``, items...).

The request was checked for form by :mod:`sleepplayer.core.remote_message`; here it meets
the app. Items pass the playlist URL policy first, then the app sets aside what is not there
(:mod:`sleepplayer.services.usable_items`); whatever is left out is named in one message, in
the window and in the reply (so on the second launch's stderr, exit code 1), never dropped
silently. With no item usable nothing is opened, and what plays plays on. The order is
volume, items, timer, verb, so
opened items already start at the asked volume and ``--play --sleep 30m`` arms before playing.
Opened items start playing once they are loaded, so ``--play`` or ``--toggle`` with items
leaves the current track alone (as at first start, in ``run_app``).

The window comes up for a bare launch, for items without a verb, and for ``--show``
(:attr:`RemoteRequest.raises_window`). Verbs, ``--volume`` and timer options, as bound to
global shortcuts, act without lighting the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer

from sleepplayer.core.remote_message import RemoteReply, RemoteRequest, Verb
from sleepplayer.core.settings import Settings
from sleepplayer.core.timer_options import plan_from_options
from sleepplayer.services.activity import user_command
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.sleep_timer import SleepTimer
from sleepplayer.services.usable_items import Unusable, split_by_policy, unusable_message

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
    """Applies :class:`RemoteRequest` s to the controller, the sleep timer and the window.

    ``open_items`` opens items (``SleepPlayerApp.open_items``) and returns those it left out.
    """

    def __init__(
        self,
        controller: PlaybackController,
        timer: SleepTimer,
        settings: Callable[[], Settings],
        *,
        open_items: Callable[[list[str]], list[Unusable]],
        show_window: Callable[[], None],
        quit_app: Callable[[], None],
        show_problem: Callable[[str], None],
    ) -> None:
        self._controller = controller
        self._timer = timer
        self._settings = settings
        self._open_items = open_items
        self._show_window = show_window
        self._quit_app = quit_app
        self._show_problem = show_problem

    def apply(self, request: RemoteRequest) -> RemoteReply:
        """Do everything the request asks; the reply lists what could not be done."""
        problems: list[str] = []
        allowed, unusable = split_by_policy(request.items)
        if request.volume is not None:
            self._controller.set_volume(request.volume)
        opened = False
        if allowed:
            left_out = self._open_items(allowed)
            unusable += left_out
            opened = len(left_out) < len(allowed)  # each item is opened or left out
        if unusable:
            problems.append(unusable_message(unusable))
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
            if request.verb is not None and not (opened and request.verb in _DONE_BY_OPENING):
                self._run(request.verb, request.extend_s)
        if request.raises_window:
            self._show_window()
        if problems:
            self._show_problem(" ".join(problems))
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
