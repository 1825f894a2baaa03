"""Resume state: round trip and lenient loading."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sleepplayer.core.json_salvage import salvage
from sleepplayer.core.session_state import RESUME_SCHEMA_VERSION, ResumeState, ResumeTimer
from sleepplayer.core.sleep_plan import EndAction, FadeCurve


def test_round_trip() -> None:
    state = ResumeState("p1", "t9", 123_456)
    d = state.to_dict()
    assert d["schema_version"] == RESUME_SCHEMA_VERSION
    assert ResumeState.from_dict(d) == state


def test_empty_state_round_trip() -> None:
    assert ResumeState.from_dict(ResumeState(None, None).to_dict()) == ResumeState(None, None, 0)


@pytest.mark.parametrize(
    "d",
    [
        {"playlist_uid": 5, "track_uid": "t"},
        {"playlist_uid": "p", "track_uid": ["t"]},
        {"playlist_uid": "", "track_uid": "t"},
    ],
)
def test_bad_ids_give_the_empty_state(d: dict[str, Any]) -> None:
    assert ResumeState.from_dict(d) == ResumeState(None, None, 0)


@pytest.mark.parametrize("position", [-1, "10", 1.5, True, None])
def test_bad_position_keeps_the_track_but_starts_at_zero(position: object) -> None:
    d = {"playlist_uid": "p", "track_uid": "t", "position_ms": position}
    assert ResumeState.from_dict(d) == ResumeState("p", "t", 0)


def test_playing_round_trips() -> None:
    state = ResumeState("p1", "t9", 5_000, playing=True)
    assert state.to_dict()["playing"] is True
    assert ResumeState.from_dict(state.to_dict()) == state


@pytest.mark.parametrize("playing", [None, "yes", 1, "true"])
def test_playing_is_only_a_real_true(playing: object) -> None:
    d = {"playlist_uid": "p", "track_uid": "t", "position_ms": 5, "playing": playing}
    assert ResumeState.from_dict(d) == ResumeState("p", "t", 5, playing=False)


def test_a_file_from_before_playing_was_saved_loads_as_not_playing() -> None:
    old = {"schema_version": 1, "playlist_uid": "p", "track_uid": "t", "position_ms": 7}
    assert ResumeState.from_dict(old) == ResumeState("p", "t", 7, playing=False)


def test_a_timer_in_the_resume_point_survives_and_damage_means_it_cannot_run_on() -> None:
    timer = ResumeTimer(1_800_000_000.0, 60.0, FadeCurve.GENTLE, EndAction.PAUSE, True, 900.0)
    state = ResumeState("p", "t", 5, playing=True, timer=timer)
    assert ResumeState.from_dict(state.to_dict()) == state
    damages: list[object] = [{"ends_at": "soon"}, [], {"ends_at": 1.0, "fade_s": -1, "curve": "x"}]
    for damaged in damages:
        d = state.to_dict() | {"timer": damaged}
        assert ResumeState.from_dict(d).timer == ResumeTimer(None)
    assert ResumeState.from_dict(state.to_dict() | {"timer": None}).timer is None


def test_a_resume_file_cut_anywhere_never_plays_on_without_its_timer() -> None:
    # Read up to the damage (core.json_salvage), a cut inside the timer must not leave
    # "playing" without it: that would play all night.
    timer = ResumeTimer(1_800_000_000.0, 60.0, FadeCurve.GENTLE, EndAction.PAUSE, False, 900.0)
    text = json.dumps(ResumeState("p", "t", 5, playing=True, timer=timer).to_dict())
    for cut in range(1, len(text)):
        readable = salvage(text[:cut], cut)
        if readable is None:
            continue
        state = ResumeState.from_dict(readable.value)
        assert not (state.playing and state.timer != timer), text[:cut]
