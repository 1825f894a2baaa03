"""The second-launch message: round trips, the allowlist, limits, and fuzzed bytes that may
only ever end in ProtocolError."""

from __future__ import annotations

import json
import os
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sleepplayer.cli import build_parser
from sleepplayer.core.remote_message import (
    MAX_ITEMS,
    MAX_REQUEST_BYTES,
    PROTOCOL_VERSION,
    LineReader,
    ProtocolError,
    RemoteReply,
    RemoteRequest,
    Verb,
    decode_reply,
    decode_request,
    encode_reply,
    encode_request,
)
from sleepplayer.core.timer_options import TimerOptions
from sleepplayer.second_launch import request_from_args

FUZZ = settings(max_examples=500, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def _body(**fields: Any) -> bytes:
    return json.dumps({"v": PROTOCOL_VERSION, **fields}).encode() + b"\n"


# --------------------------------------------------------------------------- round trips
def test_a_full_request_round_trips() -> None:
    request = RemoteRequest(
        items=("/music/rain.opus", "https://radio.example/live", "Sleep sounds"),
        verb=Verb.PLAY,
        volume=30,
        timer=TimerOptions(sleep=1800.0, fade=90.0, fade_curve="smooth", after="stop"),
    )
    data = encode_request(request)
    assert data.endswith(b"\n") and data.count(b"\n") == 1
    assert decode_request(data) == request


def test_a_file_name_that_is_not_utf8_goes_across_as_it_is() -> None:
    # The trial: bad\xffname.ogg on the command line ended in a UnicodeEncodeError traceback.
    name = os.fsdecode(b"/music/bad\xffname.ogg")
    request = RemoteRequest(items=(name, "Müde — Regen"))
    assert decode_request(encode_request(request)) == request


@pytest.mark.parametrize(
    "timer",
    [
        TimerOptions(sleep_at=time(23, 30)),
        TimerOptions(sleep_end_of_track=True),
        TimerOptions(sleep_after_tracks=3),
        TimerOptions(fade=0.0),
    ],
)
def test_each_timer_mode_round_trips(timer: TimerOptions) -> None:
    request = RemoteRequest(timer=timer)
    assert decode_request(encode_request(request)) == request


def test_extend_carries_its_seconds() -> None:
    request = RemoteRequest(verb=Verb.EXTEND, extend_s=600.0)
    assert decode_request(encode_request(request)) == request
    with pytest.raises(ProtocolError):
        RemoteRequest(verb=Verb.EXTEND)
    with pytest.raises(ProtocolError):
        RemoteRequest(verb=Verb.PAUSE, extend_s=60.0)


def test_an_empty_request_is_just_the_version() -> None:
    assert encode_request(RemoteRequest()) == b'{"v":2}\n'
    assert decode_request(b'{"v":2}') == RemoteRequest()


def test_replies_round_trip_and_long_texts_are_cut() -> None:
    assert decode_reply(encode_reply(RemoteReply(True))) == RemoteReply(True, "")
    reply = decode_reply(encode_reply(RemoteReply(False, "x" * 5000)))
    assert not reply.ok and len(reply.text) == 1000


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "not a SleepPlayer message"),
        (b"\xff\xfe", "not a SleepPlayer message"),
        (b"[1, 2]", "not a SleepPlayer message"),
        (b'{"items": []}', "another version"),
        (b'{"v": 3}', "another version"),
        (b'{"v": true}', "another version"),
        (_body(exec="rm -rf /"), "unknown request field"),
        (_body(verb="shutdown"), "unknown verb"),
        (_body(verb=["pause"]), "unknown verb"),
        (_body(items="/a.mp3"), "items must be a list"),
        (_body(items=[1]), "items must be text"),
        (_body(items=[""]), "items must be text"),
        (_body(items=["a\x00b"]), "NUL"),
        (_body(items=["x" * 9000]), "items must be text"),
        (_body(volume=101), "0 to 100"),
        (_body(volume=True), "0 to 100"),
        (_body(volume=5.5), "0 to 100"),
        (_body(verb="extend"), "--extend needs a time"),
        (_body(verb="extend", extend_s=-60), "1 second to 12 hours"),
        (_body(verb="extend", extend_s=10**400), "out of range"),
        (_body(timer=[]), "timer must be an object"),
        (_body(timer={"sleep": 1800, "sleep_at": "23:00"}), "only one of"),
        (_body(timer={"sleep": 0}), "1 second to 12 hours"),
        (_body(timer={"sleep": "30m"}), "must be a number"),
        (_body(timer={"sleep_at": "25:00"}), "not a time of day"),
        (_body(timer={"sleep_at": 2300}), "HH:MM"),
        (_body(timer={"sleep_after_tracks": 0}), "1 to 999"),
        (_body(timer={"sleep_end_of_track": 1}), "switch"),
        (_body(timer={"fade": 13 * 3600}), "0 seconds to 12 hours"),
        (_body(timer={"fade_curve": "cliff"}), "unknown fade curve"),
        (_body(timer={"fade_curve": ["gentle"]}), "must be text"),
        (_body(timer={"after": "format-disk"}), "unknown end action"),
        (_body(timer={"shell": "x"}), "unknown timer field"),
        (b'{"v": 2, "volume": NaN}', "NaN is not allowed"),
        (b'{"v": 2, "timer": {"sleep": Infinity}}', "Infinity is not allowed"),
        (b'{"v": 1, "verb": "play"}', "another version of the control protocol"),
        (b"[" * 50_000, "not a SleepPlayer message"),
    ],
)
def test_malformed_requests_are_refused_with_a_reason(data: bytes, why: str) -> None:
    with pytest.raises(ProtocolError, match=why):
        decode_request(data)


def test_too_many_items_are_refused_on_the_sending_side() -> None:
    with pytest.raises(ProtocolError, match="folder"):
        RemoteRequest(items=("/a",) * (MAX_ITEMS + 1))
    long_items = tuple(f"/music/{'x' * 200}/{i}.opus" for i in range(400))
    with pytest.raises(ProtocolError, match="folder or a playlist"):
        encode_request(RemoteRequest(items=long_items))


def test_oversized_data_is_refused_before_parsing() -> None:
    with pytest.raises(ProtocolError, match="longer than"):
        decode_request(b" " * (MAX_REQUEST_BYTES + 10))


# --------------------------------------------------------------------------- line framing
def test_line_reader_waits_for_the_newline_and_ignores_what_follows() -> None:
    reader = LineReader(100)
    assert reader.feed(b'{"v"') is None
    assert reader.feed(b":1}\ntrailing") == b'{"v":1}'


def test_line_reader_refuses_more_than_its_limit() -> None:
    reader = LineReader(10)
    assert reader.feed(b"x" * 10) is None
    with pytest.raises(ProtocolError, match="longer than 10"):
        reader.feed(b"x")
    with pytest.raises(ProtocolError):
        LineReader(10).feed(b"y" * 20 + b"\n")


# --------------------------------------------------------------------------- fuzzing
@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes_only_ever_raise_protocol_error(data: bytes) -> None:
    try:
        request = decode_request(data)
    except ProtocolError:
        return
    assert isinstance(request, RemoteRequest)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)
KEYS = st.sampled_from(["v", "items", "verb", "extend_s", "volume", "timer", "x"])
TIMER_KEYS = st.sampled_from(
    ["sleep", "sleep_at", "sleep_end_of_track", "sleep_after_tracks", "fade", "fade_curve"]
)


@FUZZ
@given(
    st.dictionaries(KEYS, JSON, max_size=6),
    st.dictionaries(TIMER_KEYS, JSON, max_size=3),
)
def test_well_formed_json_with_wrong_values_only_raises_protocol_error(
    body: dict[str, Any], timer: dict[str, Any]
) -> None:
    body.setdefault("v", 1)
    if timer:
        body["timer"] = timer
    try:
        data = json.dumps(body).encode()
    except ValueError:
        return  # NaN etc.: json.dumps itself allows them, decode refuses them separately
    try:
        request = decode_request(data)
    except ProtocolError:
        return
    # Whatever got through is a valid request, and survives another round trip.
    assert decode_request(encode_request(request)) == request


@FUZZ
@given(
    st.lists(st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s), max_size=5),
    st.sampled_from([None, *Verb]),
    st.one_of(st.none(), st.integers(0, 100)),
)
def test_valid_requests_round_trip(items: list[str], verb: Verb | None, volume: int | None) -> None:
    extend = 300.0 if verb is Verb.EXTEND else None
    request = RemoteRequest(tuple(items), verb, extend, volume)
    assert decode_request(encode_request(request)) == request


# --------------------------------------------------------------------------- meaning
def test_which_requests_start_the_app() -> None:
    starting = {Verb.TOGGLE, Verb.PLAY, Verb.SHOW}
    for verb in Verb:
        extend = 60.0 if verb is Verb.EXTEND else None
        request = RemoteRequest(verb=verb, extend_s=extend)
        assert request.starts_app == (verb in starting), verb
    assert RemoteRequest(items=("/a.mp3",)).starts_app
    assert RemoteRequest(timer=TimerOptions(sleep=60.0)).starts_app
    assert RemoteRequest(volume=20).starts_app


@pytest.mark.parametrize(
    "argv",
    [[], ["rain.opus"], ["rain.opus", "--volume", "20"], ["rain.opus", "--sleep", "30m"],
     ["--show"], ["--show", "--volume", "40"]],
)  # fmt: skip
def test_a_bare_launch_items_and_show_raise_the_window(argv: list[str]) -> None:
    request = request_from_args(build_parser().parse_args(argv), cwd="/")
    assert request.raises_window


@pytest.mark.parametrize(
    "argv",
    [["--sleep", "30m"], ["--sleep-at", "23:30"], ["--sleep-end-of-track"],
     ["--sleep-after-tracks", "2"], ["--fade", "90s"], ["--volume", "20"],
     ["--volume", "0", "--sleep", "30m"], ["--toggle"], ["--play"], ["--pause"], ["--next"],
     ["--extend", "10m"], ["--cancel-sleep"], ["--quit"], ["rain.opus", "--play"]],
)  # fmt: skip
def test_shortcut_commands_never_raise_the_window(argv: list[str]) -> None:
    # What global shortcuts and the .desktop actions send, in the dark: no window pops up.
    request = request_from_args(build_parser().parse_args(argv), cwd="/")
    assert not request.raises_window, argv


def test_the_command_line_becomes_a_request(tmp_path: Path) -> None:
    (tmp_path / "a.opus").write_bytes(b"")
    args = build_parser().parse_args(
        ["a.opus", "--volume", "30", "--sleep", "30m", "--fade", "90s", "--play"]
    )
    request = request_from_args(args, cwd=str(tmp_path))
    assert request == RemoteRequest(
        items=(os.path.join(tmp_path, "a.opus"),),
        verb=Verb.PLAY,
        volume=30,
        timer=TimerOptions(sleep=1800.0, fade=90.0),
    )
    extend = request_from_args(build_parser().parse_args(["--extend", "10m"]), cwd="/")
    assert (extend.verb, extend.extend_s) == (Verb.EXTEND, 600.0)
    cancel = request_from_args(build_parser().parse_args(["--cancel-sleep"]), cwd="/")
    assert cancel.verb is Verb.CANCEL_SLEEP


def test_only_one_verb_per_launch() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--pause", "--next"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--cancel-sleep", "--extend", "5m"])
