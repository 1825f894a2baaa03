"""The cubic volume mapping and the fade gain as an amplitude factor."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sleepplayer.core.fade import amplitude, engine_volume


def test_full_gain_is_the_user_volume() -> None:
    assert [engine_volume(v) for v in (0, 1, 50, 100)] == [0, 1, 50, 100]


def test_mute_and_zero_gain_are_silent() -> None:
    assert engine_volume(80, muted=True) == 0
    assert engine_volume(80, 0.0) == 0
    assert engine_volume(80, -1.0) == 0
    assert engine_volume(80, math.nan) == 0


def test_half_gain_halves_the_amplitude() -> None:
    full = amplitude(engine_volume(80))
    half = amplitude(engine_volume(80, 0.5))
    assert half / full == pytest.approx(0.5, rel=0.04)


def test_amplitude_is_cubic_and_clamped() -> None:
    assert amplitude(100) == 1.0
    assert amplitude(50) == pytest.approx(0.125)
    assert amplitude(0) == 0.0
    assert amplitude(150) == 1.0 and amplitude(-5) == 0.0


def test_out_of_range_user_volume_is_clamped() -> None:
    assert engine_volume(250) == 100
    assert engine_volume(-4) == 0


@given(user=st.integers(-50, 200), gain=st.floats(allow_nan=True), muted=st.booleans())
def test_never_louder_than_the_user_volume(user: int, gain: float, muted: bool) -> None:
    v = engine_volume(user, gain, muted)
    assert 0 <= v <= max(0, min(user, 100))


@given(user=st.integers(0, 100), a=st.floats(0, 1), b=st.floats(0, 1))
def test_monotonic_in_gain(user: int, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert engine_volume(user, low) <= engine_volume(user, high)
