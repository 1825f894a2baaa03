"""Fade curves: shapes, the Gentle dB line, monotonic for every curve."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sleepplayer.core.fade import FADE_FLOOR_DB, curve_points, fade_gain, fade_progress
from sleepplayer.core.sleep_plan import FadeCurve


@pytest.mark.parametrize("curve", list(FadeCurve))
def test_every_curve_starts_full_and_ends_off(curve: FadeCurve) -> None:
    assert fade_gain(curve, 0.0) == 1.0
    assert fade_gain(curve, -3.0) == 1.0
    assert fade_gain(curve, 1.0) == 0.0
    assert fade_gain(curve, 7.0) == 0.0
    assert fade_gain(curve, math.nan) == 0.0


@pytest.mark.parametrize("p", [0.0, 0.1, 0.25, 0.5, 0.8, 0.999])
def test_gentle_is_a_straight_line_in_db_down_to_the_floor(p: float) -> None:
    assert 20 * math.log10(fade_gain(FadeCurve.GENTLE, p)) == pytest.approx(FADE_FLOOR_DB * p)


def test_gentle_just_before_the_end_is_at_the_floor_then_off() -> None:
    assert fade_gain(FadeCurve.GENTLE, 1 - 1e-9) == pytest.approx(10 ** (FADE_FLOOR_DB / 20))
    assert FADE_FLOOR_DB == -50.0


@pytest.mark.parametrize("p", [0.0, 0.25, 0.5, 0.75])
def test_linear_is_linear_in_amplitude(p: float) -> None:
    assert fade_gain(FadeCurve.LINEAR, p) == pytest.approx(1 - p)


def test_smooth_is_an_s_curve() -> None:
    g = [fade_gain(FadeCurve.SMOOTH, i / 100) for i in range(101)]
    assert g[50] == pytest.approx(0.5)
    # Flat at both ends, steepest in the middle.
    assert 1 - g[5] < 0.01 and g[95] < 0.01
    steps = [a - b for a, b in itertools.pairwise(g)]
    assert max(steps) == pytest.approx(steps[49], rel=0.01) or max(steps) == steps[50]
    # Symmetric around the middle.
    assert all(g[i] == pytest.approx(1 - g[100 - i]) for i in range(101))


@pytest.mark.parametrize("curve", list(FadeCurve))
@given(a=st.floats(-1, 2), b=st.floats(-1, 2))
def test_every_curve_never_rises(curve: FadeCurve, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert fade_gain(curve, hi) <= fade_gain(curve, lo)
    assert 0.0 <= fade_gain(curve, hi) <= 1.0


@pytest.mark.parametrize("curve", list(FadeCurve))
@given(p=st.floats(0.0, 0.999))
def test_progress_inverts_gain(curve: FadeCurve, p: float) -> None:
    assert fade_gain(curve, fade_progress(curve, fade_gain(curve, p))) == pytest.approx(
        fade_gain(curve, p), rel=1e-6, abs=1e-9
    )


def test_curve_points_for_the_settings_plot() -> None:
    points = curve_points(FadeCurve.LINEAR, 5)
    assert points == [(0.0, 1.0), (0.25, 0.75), (0.5, 0.5), (0.75, 0.25), (1.0, 0.0)]
