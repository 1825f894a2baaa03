"""What a second launch sends to the running SleepPlayer, and what it gets back.

The channel is local and limited to the user, but it is still untrusted input: anything the
user runs can connect. So the format is small and closed. One request per connection: a JSON
object on one line (UTF-8, ending in ``\\n``, at most :data:`MAX_REQUEST_BYTES`), with a
version, and only the keys below. Every value is checked for type, range and length when a
:class:`RemoteRequest` is built, on both sides: the sender refuses to send what the receiver
would refuse. The verbs are an allowlist (:class:`Verb`). The reply is one line too:
``{"ok": true|false, "text": "..."}``.

Items travel as the sender resolved them (:func:`sleepplayer.core.links.absolute_items`):
existing relative paths are made absolute against the sender's working directory (the
receiver runs elsewhere); URLs, playlist names and missing files go as typed. The receiver
applies the playlist URL policy to them. The timer options are checked by
:class:`sleepplayer.core.timer_options.TimerOptions`.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from sleepplayer.core.sleep_plan import MIN_PLAN_S, parse_clock
from sleepplayer.core.timer_options import (
    TimerOptions,
    TimerOptionsError,
    is_value_of,
    is_whole,
    seconds_in_range,
)
from sleepplayer.core.url_policy import MAX_LOCATION_CHARS

#: A request this close to its expiry is refused: an answer sent then may come too late.
EXPIRY_MARGIN_S = 1.0
PROTOCOL_VERSION = 2  # 2: requests expire (an older instance says to restart it)
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
class RemoteRequest:
    """Everything one launch asks of the running instance. Validated on construction."""

    items: tuple[str, ...] = ()
    verb: Verb | None = None
    #: Seconds to add to the sleep timer; set exactly when the verb is EXTEND.
    extend_s: float | None = None
    volume: int | None = None
    timer: TimerOptions = field(default_factory=TimerOptions)
    #: Wall-clock time (epoch seconds) after which the sender no longer waits for the answer
    #: and has told its user that nothing happened: the request is then not carried out.
    expires_at: float | None = field(default=None, compare=False)

    def expired(self, now: float) -> bool:
        """Too late to carry out: its sender has given up, or will before it could hear the
        answer (the last second counts as too late)."""
        return self.expires_at is not None and now > self.expires_at - EXPIRY_MARGIN_S

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
        if self.extend_s is not None and not seconds_in_range(self.extend_s, MIN_PLAN_S):
            raise ProtocolError("--extend takes 1 second to 12 hours")
        if self.volume is not None and not (is_whole(self.volume) and 0 <= self.volume <= 100):
            raise ProtocolError("the volume goes from 0 to 100")
        if not isinstance(self.timer, TimerOptions):
            raise ProtocolError("bad timer options")

    @property
    def starts_app(self) -> bool:
        """Whether this request, with no SleepPlayer running, starts one."""
        return self.verb is None or self.verb in STARTING_VERBS

    @property
    def raises_window(self) -> bool:
        """Whether the window comes up: for ``--show``, for items opened without a verb (a
        file manager's "Open with"), and for a bare launch (someone started SleepPlayer
        again). Never for the rest: verbs, ``--volume`` and timer options are what global
        shortcuts and the .desktop actions send, often in the dark, and must not light the
        screen."""
        if self.verb is Verb.SHOW:
            return True
        if self.verb is not None:
            return False
        bare = self.volume is None and self.timer == TimerOptions()
        return bool(self.items) or bare


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
    if request.expires_at is not None:
        body["expires"] = request.expires_at
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
    _only_keys(body, {"v", "items", "verb", "extend_s", "volume", "timer", "expires"}, "request")
    version = body.get("v")
    if version != PROTOCOL_VERSION or not is_whole(version):
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
        if not is_value_of(verb_name, Verb):
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
        expires_at=_number_or_none(body.get("expires"), "expires"),
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
    try:
        return TimerOptions(
            sleep=_number_or_none(body.get("sleep"), "sleep"),
            sleep_at=sleep_at,
            sleep_end_of_track=body.get("sleep_end_of_track", False),
            sleep_after_tracks=body.get("sleep_after_tracks"),
            fade=_number_or_none(body.get("fade"), "fade"),
            fade_curve=body.get("fade_curve"),
            after=body.get("after"),
        )
    except TimerOptionsError as exc:
        raise ProtocolError(str(exc)) from None


def _line(body: dict[str, Any]) -> bytes:
    # A file name that is not UTF-8 is a str with lone surrogates (Python's surrogateescape):
    # it goes as its own bytes and comes back as the same str, the name on disk.
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogateescape") + b"\n"


def _refuse_constant(name: str) -> Any:
    raise ProtocolError(f"{name} is not allowed")


def _object(data: bytes, limit: int) -> dict[str, Any]:
    if len(data) > limit + 1:
        raise ProtocolError(f"message longer than {limit} bytes")
    try:
        text = data.decode("utf-8", "surrogateescape")  # see _line
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
