"""What a second launch sends to the running SleepPlayer, and what it gets back.

The channel is local and limited to the user, but it is still untrusted input: anything the
user runs can connect. So the format is small and closed. One request per connection: a JSON
object on one line (UTF-8, ending in ``\\n``, at most :data:`MAX_REQUEST_BYTES`), with a
version, and only the keys below. Every value is checked for type, range and length when a
:class:`RemoteRequest` is built, on both sides: the sender refuses to send what the receiver
would refuse. The verbs are an allowlist (:class:`Verb`). The reply is one line too:
``{"ok": true|false, "text": "..."}``.

Items travel as the sender resolved them: existing relative paths are made absolute against
the sender's working directory (the receiver runs elsewhere); URLs, playlist names and
missing files go as typed. The receiver applies the playlist URL policy to them.
"""

from __future__ import annotations

import enum
import json
import math
import os
from dataclasses import dataclass, field, replace
from datetime import time
from typing import Any

from sleepplayer.core.links import has_scheme
from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import (
    MAX_DURATION_S,
    MAX_TRACKS,
    MIN_PLAN_S,
    EndAction,
    FadeCurve,
    SleepMode,
    SleepPlan,
    parse_clock,
)
from sleepplayer.core.url_policy import MAX_LOCATION_CHARS

PROTOCOL_VERSION = 1
#: A request longer than this is refused: enough for a few hundred paths. More files go as a
#: folder or a playlist file.
MAX_REQUEST_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096
MAX_ITEMS = 1000
MAX_ITEM_CHARS = MAX_LOCATION_CHARS
#: Reply texts are cut to this length (they are printed in a terminal).
MAX_REPLY_TEXT = 1000


class ProtocolError(ValueError):
    """A message that breaks the format; the text says what, for the user or a log."""


class Verb(enum.Enum):
    """The commands a second launch may give (one per request)."""

    TOGGLE = "toggle"
    PLAY = "play"
    PAUSE = "pause"
    NEXT = "next"
    PREVIOUS = "previous"
    STOP = "stop"
    CANCEL_SLEEP = "cancel-sleep"
    EXTEND = "extend"
    SHOW = "show"
    QUIT = "quit"


#: With no SleepPlayer running these start one, which then does what they say. The others
#: (pause, stop, next, ...) make no sense without a player: "SleepPlayer is not running".
STARTING_VERBS = frozenset({Verb.TOGGLE, Verb.PLAY, Verb.SHOW})


@dataclass(frozen=True)
class TimerOptions:
    """The sleep-timer options of the command line, with argparse's names and types."""

    sleep: float | None = None
    sleep_at: time | None = None
    sleep_end_of_track: bool = False
    sleep_after_tracks: int | None = None
    fade: float | None = None
    fade_curve: str | None = None
    after: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sleep_end_of_track, bool):
            raise ProtocolError("--sleep-end-of-track is a switch")
        whens = [
            self.sleep is not None,
            self.sleep_at is not None,
            self.sleep_end_of_track,
            self.sleep_after_tracks is not None,
        ]
        if sum(whens) > 1:
            raise ProtocolError(
                "give only one of --sleep, --sleep-at, --sleep-end-of-track "
                "and --sleep-after-tracks"
            )
        if self.sleep is not None:
            _check_seconds(self.sleep, MIN_PLAN_S, "the sleep timer goes from 1 second to 12 hours")
        if self.sleep_at is not None and not isinstance(self.sleep_at, time):
            raise ProtocolError("--sleep-at needs a time of day")
        if self.sleep_after_tracks is not None and not (
            _is_int(self.sleep_after_tracks) and 1 <= self.sleep_after_tracks <= MAX_TRACKS
        ):
            raise ProtocolError(f"--sleep-after-tracks goes from 1 to {MAX_TRACKS}")
        if self.fade is not None:
            _check_seconds(self.fade, 0, "the fade lasts 0 seconds to 12 hours")
        if self.fade_curve is not None and not _member(self.fade_curve, FadeCurve):
            raise ProtocolError("unknown fade curve")
        if self.after is not None and not _member(self.after, EndAction):
            raise ProtocolError("unknown end action")

    @property
    def arms(self) -> bool:
        """Whether these options ask for a timer (a fade length alone does not)."""
        return (
            self.sleep is not None
            or self.sleep_at is not None
            or self.sleep_end_of_track
            or self.sleep_after_tracks is not None
        )


@dataclass(frozen=True)
class RemoteRequest:
    """Everything one launch asks of the running instance. Validated on construction."""

    items: tuple[str, ...] = ()
    verb: Verb | None = None
    #: Seconds to add to the sleep timer; set exactly when the verb is EXTEND.
    extend_s: float | None = None
    volume: int | None = None
    timer: TimerOptions = field(default_factory=TimerOptions)

    def __post_init__(self) -> None:
        if not isinstance(self.items, tuple) or len(self.items) > MAX_ITEMS:
            raise ProtocolError(
                f"at most {MAX_ITEMS} items can be passed to a running SleepPlayer; "
                "pass their folder or a playlist file instead"
            )
        for item in self.items:
            if not isinstance(item, str) or not item or len(item) > MAX_ITEM_CHARS:
                raise ProtocolError(f"items must be text of 1 to {MAX_ITEM_CHARS} characters")
            if "\x00" in item:
                raise ProtocolError("an item contains a NUL character")
        if self.verb is not None and not isinstance(self.verb, Verb):
            raise ProtocolError("unknown verb")
        if (self.verb is Verb.EXTEND) != (self.extend_s is not None):
            raise ProtocolError("--extend needs a time, and only --extend takes one")
        if self.extend_s is not None:
            _check_seconds(self.extend_s, MIN_PLAN_S, "--extend takes 1 second to 12 hours")
        if self.volume is not None and not (_is_int(self.volume) and 0 <= self.volume <= 100):
            raise ProtocolError("the volume goes from 0 to 100")
        if not isinstance(self.timer, TimerOptions):
            raise ProtocolError("bad timer options")

    @property
    def starts_app(self) -> bool:
        """Whether this request, with no SleepPlayer running, starts one."""
        return self.verb is None or self.verb in STARTING_VERBS

    @property
    def raises_window(self) -> bool:
        """A launch without a verb brings the window up; a verb (a global shortcut) does not.
        (``--show`` does, as its own verb.)"""
        return self.verb is None


@dataclass(frozen=True)
class RemoteReply:
    """The receiver's answer: done (``ok``), or why not. ``text`` is for the user."""

    ok: bool
    text: str = ""


# ---------------------------------------------------------------------------- encoding
def encode_request(request: RemoteRequest) -> bytes:
    """One line of JSON. ProtocolError when it would be longer than the receiver accepts."""
    body: dict[str, Any] = {"v": PROTOCOL_VERSION}
    if request.items:
        body["items"] = list(request.items)
    if request.verb is not None:
        body["verb"] = request.verb.value
    if request.extend_s is not None:
        body["extend_s"] = request.extend_s
    if request.volume is not None:
        body["volume"] = request.volume
    timer = _encode_timer(request.timer)
    if timer:
        body["timer"] = timer
    data = _line(body)
    if len(data) > MAX_REQUEST_BYTES:
        raise ProtocolError(
            "too many items to pass to a running SleepPlayer; "
            "pass their folder or a playlist file instead"
        )
    return data


def decode_request(data: bytes) -> RemoteRequest:
    """The request in one line (with or without its ``\\n``); ProtocolError for anything else."""
    body = _object(data, MAX_REQUEST_BYTES)
    _only_keys(body, {"v", "items", "verb", "extend_s", "volume", "timer"}, "request")
    version = body.get("v")
    if version != PROTOCOL_VERSION or not _is_int(version):
        raise ProtocolError(
            "this SleepPlayer speaks another version of the control protocol: "
            "quit it and start it again"
        )
    items = body.get("items", [])
    if not isinstance(items, list):
        raise ProtocolError("items must be a list")
    verb_name = body.get("verb")
    verb: Verb | None = None
    if verb_name is not None:
        if not _member(verb_name, Verb):
            raise ProtocolError("unknown verb")
        verb = Verb(verb_name)
    timer = body.get("timer", {})
    if not isinstance(timer, dict):
        raise ProtocolError("timer must be an object")
    return RemoteRequest(
        items=tuple(items),
        verb=verb,
        extend_s=_number_or_none(body.get("extend_s"), "extend_s"),
        volume=body.get("volume"),
        timer=_decode_timer(timer),
    )


def encode_reply(reply: RemoteReply) -> bytes:
    return _line({"ok": reply.ok, "text": reply.text[:MAX_REPLY_TEXT]})


def decode_reply(data: bytes) -> RemoteReply:
    body = _object(data, MAX_REPLY_BYTES)
    _only_keys(body, {"ok", "text"}, "reply")
    ok, text = body.get("ok"), body.get("text", "")
    if not isinstance(ok, bool) or not isinstance(text, str):
        raise ProtocolError("malformed reply")
    return RemoteReply(ok, text[:MAX_REPLY_TEXT])


class LineReader:
    """Collects the bytes of one line as they arrive, refusing more than ``limit``."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._buffer = bytearray()

    def feed(self, data: bytes) -> bytes | None:
        """The complete line (without ``\\n``) once it is in, else None; ProtocolError when
        the line grows past the limit. Bytes after the line are ignored (one per connection)."""
        self._buffer += data
        end = self._buffer.find(b"\n")
        if end < 0:
            if len(self._buffer) > self._limit:
                raise ProtocolError(f"message longer than {self._limit} bytes")
            return None
        if end > self._limit:
            raise ProtocolError(f"message longer than {self._limit} bytes")
        return bytes(self._buffer[:end])

    def __len__(self) -> int:
        return len(self._buffer)


# ---------------------------------------------------------------------------- meaning
def absolute_items(items: list[str] | tuple[str, ...], cwd: str) -> tuple[str, ...]:
    """Make the items that name existing relative paths absolute against ``cwd``.

    URLs and other schemes stay as they are, and so do words that are no path here (a
    playlist name, or a missing file that the receiver lists as unavailable).
    """
    result: list[str] = []
    for item in items:
        if has_scheme(item) or os.path.isabs(item):
            result.append(item)
        else:
            path = os.path.join(cwd, item)
            result.append(os.path.normpath(path) if os.path.exists(path) else item)
    return tuple(result)


def plan_from_options(options: TimerOptions, defaults: Settings) -> SleepPlan | None:
    """The timer the options ask for, with unset details from the user's defaults.

    None when they ask for no timer. ValueError (from SleepPlan) when the mix is invalid,
    e.g. a fade longer than a clock-time timer allows.
    """
    base = SleepPlan(
        fade_s=options.fade if options.fade is not None else float(defaults.fade_s),
        curve=FadeCurve(options.fade_curve) if options.fade_curve else defaults.fade_curve,
        end_action=EndAction(options.after) if options.after else defaults.end_action,
        let_track_finish=defaults.let_track_finish,
        max_finish_wait_s=defaults.max_finish_wait_min * 60.0,
    )
    if options.sleep is not None:
        return replace(base, mode=SleepMode.DURATION, duration_s=options.sleep)
    if options.sleep_at is not None:
        return replace(base, mode=SleepMode.CLOCK, clock_time=options.sleep_at)
    if options.sleep_end_of_track:
        return replace(base, mode=SleepMode.END_OF_TRACK)
    if options.sleep_after_tracks is not None:
        return replace(base, mode=SleepMode.AFTER_TRACKS, tracks=options.sleep_after_tracks)
    return None


# ---------------------------------------------------------------------------- helpers
def _encode_timer(options: TimerOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("sleep", "sleep_after_tracks", "fade", "fade_curve", "after"):
        value = getattr(options, name)
        if value is not None:
            out[name] = value
    if options.sleep_at is not None:
        out["sleep_at"] = options.sleep_at.strftime("%H:%M")
    if options.sleep_end_of_track:
        out["sleep_end_of_track"] = True
    return out


_TIMER_KEYS = {
    "sleep", "sleep_at", "sleep_end_of_track", "sleep_after_tracks", "fade", "fade_curve", "after"
}  # fmt: skip


def _decode_timer(body: dict[str, Any]) -> TimerOptions:
    _only_keys(body, _TIMER_KEYS, "timer")
    at = body.get("sleep_at")
    sleep_at: time | None = None
    if at is not None:
        if not isinstance(at, str) or len(at) > 5:
            raise ProtocolError("--sleep-at needs HH:MM")
        try:
            sleep_at = parse_clock(at)
        except ValueError as exc:
            raise ProtocolError(str(exc)) from None
    for name in ("fade_curve", "after"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ProtocolError(f"{name} must be text")
    return TimerOptions(
        sleep=_number_or_none(body.get("sleep"), "sleep"),
        sleep_at=sleep_at,
        sleep_end_of_track=body.get("sleep_end_of_track", False),
        sleep_after_tracks=body.get("sleep_after_tracks"),
        fade=_number_or_none(body.get("fade"), "fade"),
        fade_curve=body.get("fade_curve"),
        after=body.get("after"),
    )


def _line(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _refuse_constant(name: str) -> Any:
    raise ProtocolError(f"{name} is not allowed")


def _object(data: bytes, limit: int) -> dict[str, Any]:
    if len(data) > limit + 1:
        raise ProtocolError(f"message longer than {limit} bytes")
    try:
        text = data.decode("utf-8")
        # NaN and Infinity are not JSON; Python would accept them by default.
        body = json.loads(text, parse_constant=_refuse_constant)
    except ProtocolError:
        raise
    except (ValueError, RecursionError):
        raise ProtocolError("not a SleepPlayer message") from None
    if not isinstance(body, dict):
        raise ProtocolError("not a SleepPlayer message")
    return body


def _only_keys(body: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = set(body) - allowed
    if unknown:
        raise ProtocolError(f"unknown {what} field: {sorted(unknown)[0][:40]}")


def _number_or_none(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"{name} must be a number")
    try:
        return float(value)
    except OverflowError:
        raise ProtocolError(f"{name} is out of range") from None


def _check_seconds(value: object, low: float, message: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= MAX_DURATION_S
    ):
        raise ProtocolError(message)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _member(value: object, kind: type[enum.Enum]) -> bool:
    """Whether ``value`` is the text of one of ``kind``'s members."""
    return isinstance(value, str) and any(member.value == value for member in kind)
