"""SleepPlan: validation, deadlines across midnight and DST, words, parsing."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sleepplayer.core.sleep_plan import (
    EndAction,
    SleepMode,
    SleepPlan,
    deadline_for,
    describe,
    fade_window,
    format_remaining,
    in_nightly_window,
    parse_clock,
    parse_duration,
    seconds_between,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def _at(hh: int, mm: int) -> SleepPlan:
    return SleepPlan(SleepMode.CLOCK, clock_time=time(hh, mm))


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "kwargs",
    [
        {"duration_s": 0.5},
        {"duration_s": 12 * 3600 + 1},
        {"duration_s": float("nan")},
        {"mode": SleepMode.CLOCK},
        {"mode": SleepMode.CLOCK, "clock_time": time(1, 0, tzinfo=timezone.utc)},
        {"mode": SleepMode.AFTER_TRACKS, "tracks": 0},
        {"mode": SleepMode.AFTER_TRACKS, "tracks": True},
        {"fade_s": -1},
        {"fade_s": float("inf")},
        {"max_finish_wait_s": -5},
        {"mode": "duration"},
    ],
)
def test_invalid_plans_are_refused_with_a_message(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"\w+ \w+"):
        SleepPlan(**kwargs)  # type: ignore[arg-type]


def test_valid_plans() -> None:
    SleepPlan(duration_s=60)
    SleepPlan(duration_s=12 * 3600, fade_s=12 * 3600)
    SleepPlan(SleepMode.END_OF_TRACK, duration_s=0)  # duration only matters for DURATION
    SleepPlan(SleepMode.AFTER_TRACKS, tracks=3, fade_s=0)


# ---------------------------------------------------------------- deadlines
def test_duration_is_now_plus_elapsed_time() -> None:
    now = datetime(2024, 6, 1, 22, 0, tzinfo=BERLIN)
    assert deadline_for(SleepPlan(duration_s=30 * 60), now) == now + timedelta(minutes=30)
    twelve = deadline_for(SleepPlan(duration_s=12 * 3600), now)
    assert twelve is not None and twelve.hour == 10 and twelve.day == 2


def test_duration_counts_real_seconds_across_spring_forward() -> None:
    now = datetime(2024, 3, 31, 1, 30, tzinfo=BERLIN)
    end = deadline_for(SleepPlan(duration_s=3600), now)
    assert end is not None and (end.hour, end.minute) == (3, 30)
    assert seconds_between(now, end) == 3600


def test_duration_counts_real_seconds_across_fall_back() -> None:
    now = datetime(2024, 10, 27, 1, 30, tzinfo=BERLIN)
    end = deadline_for(SleepPlan(duration_s=2 * 3600), now)
    assert end is not None and (end.hour, end.minute, end.fold) == (2, 30, 1)
    assert seconds_between(now, end) == 7200


@pytest.mark.parametrize(
    ("now", "at", "expected", "minutes"),
    [
        # later today
        (datetime(2024, 6, 1, 22, 0, tzinfo=BERLIN), (23, 30), (1, 23, 30), 90),
        # across midnight
        (datetime(2024, 6, 1, 23, 50, tzinfo=BERLIN), (0, 10), (2, 0, 10), 20),
        # the time already passed today (a deadline in the past): tomorrow
        (datetime(2024, 6, 1, 23, 31, tzinfo=BERLIN), (23, 30), (2, 23, 30), 24 * 60 - 1),
        # exactly now: the next one, a day later
        (datetime(2024, 6, 1, 23, 30, tzinfo=BERLIN), (23, 30), (2, 23, 30), 24 * 60),
    ],
)
def test_clock_next_occurrence(
    now: datetime, at: tuple[int, int], expected: tuple[int, int, int], minutes: float
) -> None:
    end = deadline_for(_at(*at), now)
    assert end is not None
    assert (end.day, end.hour, end.minute) == expected
    assert seconds_between(now, end) == minutes * 60


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK])
def test_clock_time_in_the_spring_forward_gap_moves_past_it(zone: ZoneInfo) -> None:
    day = (2024, 3, 31) if zone is BERLIN else (2024, 3, 10)
    now = datetime(*day, 1, 0, tzinfo=zone)
    end = deadline_for(_at(2, 30), now)
    assert end is not None
    assert (end.day, end.hour, end.minute) == (day[2], 3, 30)
    assert seconds_between(now, end) == 90 * 60  # the time the user expected to pass


def test_clock_time_of_a_gap_already_passed_is_tomorrow() -> None:
    now = datetime(2024, 3, 31, 3, 10, tzinfo=BERLIN)
    end = deadline_for(_at(2, 30), now)
    assert end is not None and (end.month, end.day, end.hour, end.minute) == (4, 1, 2, 30)


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK])
def test_ambiguous_clock_time_takes_the_first_occurrence(zone: ZoneInfo) -> None:
    day = (2024, 10, 27) if zone is BERLIN else (2024, 11, 3)
    now = datetime(*day, 0, 30, tzinfo=zone)
    at = (2, 30) if zone is BERLIN else (1, 30)
    end = deadline_for(_at(*at), now)
    assert end is not None and end.fold == 0
    assert seconds_between(now, end) == ((2 if zone is BERLIN else 1) * 60) * 60


def test_ambiguous_time_between_its_two_occurrences_takes_the_second() -> None:
    # 02:40 summer time: 02:30 summer time has passed, 02:30 winter time is 50 min away.
    now = datetime(2024, 10, 27, 2, 40, tzinfo=BERLIN)
    end = deadline_for(_at(2, 30), now)
    assert end is not None and end.fold == 1
    assert seconds_between(now, end) == 50 * 60


def test_clock_across_midnight_on_a_dst_night_in_new_york() -> None:
    now = datetime(2024, 3, 9, 23, 0, tzinfo=NEW_YORK)
    end = deadline_for(_at(6, 0), now)
    assert end is not None and (end.day, end.hour) == (10, 6)
    assert seconds_between(now, end) == 6 * 3600  # 7 wall-clock hours, one of them skipped


@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1),
        max_value=datetime(2030, 1, 1),
        timezones=st.sampled_from([BERLIN, NEW_YORK, timezone.utc]),
    ),
    st.times(),
)
def test_clock_deadline_is_always_ahead_and_within_a_day(now: datetime, at: time) -> None:
    end = deadline_for(SleepPlan(SleepMode.CLOCK, clock_time=at.replace(tzinfo=None)), now)
    assert end is not None
    assert 0 < seconds_between(now, end) <= 25 * 3600


def test_track_modes_have_no_deadline() -> None:
    now = datetime(2024, 6, 1, 22, 0, tzinfo=BERLIN)
    assert deadline_for(SleepPlan(SleepMode.END_OF_TRACK), now) is None
    assert deadline_for(SleepPlan(SleepMode.AFTER_TRACKS, tracks=3), now) is None


# ---------------------------------------------------------------- fade window
def test_fade_window_normal_and_compressed() -> None:
    armed = datetime(2024, 6, 1, 22, 0, tzinfo=BERLIN)
    start, length = fade_window(armed + timedelta(minutes=30), armed, 60)
    assert (start, length) == (armed + timedelta(minutes=29), 60)
    start, length = fade_window(armed + timedelta(seconds=40), armed, 60)
    assert (start, length) == (armed, 40)  # shorter than the fade: compressed, not cut
    start, length = fade_window(armed - timedelta(seconds=5), armed, 60)
    assert length == 0


# ---------------------------------------------------------------- words
NOW = datetime(2024, 6, 1, 23, 15, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("plan", "kwargs", "text"),
    [
        (SleepPlan(duration_s=30 * 60, end_action=EndAction.STOP), {}, "Stops at 23:45"),
        (SleepPlan(duration_s=30 * 60), {}, "Pauses at 23:45"),
        (SleepPlan(duration_s=1800, end_action=EndAction.QUIT), {}, "Quits at 23:45"),
        (SleepPlan(duration_s=1800, end_action=EndAction.SUSPEND), {}, "Suspends at 23:45"),
        (_at(6, 5), {}, "Pauses at 06:05"),
        (
            SleepPlan(duration_s=1800, let_track_finish=True),
            {},
            "Pauses at 23:45 (lets the track finish)",
        ),
        (
            SleepPlan(SleepMode.END_OF_TRACK, end_action=EndAction.STOP),
            {"track_remaining_s": 750},
            "Stops after this track (in 12:30)",
        ),
        (SleepPlan(SleepMode.END_OF_TRACK), {}, "Pauses after this track"),
        (
            SleepPlan(SleepMode.AFTER_TRACKS, tracks=4, end_action=EndAction.STOP),
            {},
            "Stops after 3 more tracks",
        ),
        (
            SleepPlan(SleepMode.AFTER_TRACKS, tracks=4),
            {"tracks_left": 2},
            "Pauses after the next track",
        ),
        (
            SleepPlan(SleepMode.AFTER_TRACKS, tracks=4),
            {"tracks_left": 1, "track_remaining_s": 3725},
            "Pauses after this track (in 1:02:05)",
        ),
    ],
)
def test_describe(plan: SleepPlan, kwargs: dict[str, object], text: str) -> None:
    args: dict[str, object] = {"deadline": None, "track_remaining_s": None, "tracks_left": None}
    args.update(kwargs)
    assert describe(plan, NOW, **args) == text  # type: ignore[arg-type]


def test_describe_uses_the_given_deadline() -> None:
    deadline = NOW + timedelta(minutes=90)
    text = describe(SleepPlan(), NOW, deadline=deadline, track_remaining_s=None, tracks_left=None)
    assert text == "Pauses at 00:45"


def test_format_remaining_rounds_up() -> None:
    assert [format_remaining(s) for s in (0, 0.2, 59.5, 750, 3600)] == [
        "0:00",
        "0:01",
        "1:00",
        "12:30",
        "1:00:00",
    ]


# ---------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30m", 1800),
        ("1h30m", 5400),
        ("45s", 45),
        ("90", 5400),
        ("2m30s", 150),
        ("1h", 3600),
        ("12h", 43200),
        ("1H 30M", 5400),
        (" 10 ", 600),
        ("1.5h", 5400),
        ("0", 0),
        ("1h0m5s", 3605),
        # As the panel writes it and as people type it (the panel suggested "20 min", which
        # --sleep refused).
        ("30min", 1800),
        ("30 minutes", 1800),
        ("1 h 30 min", 5400),
        ("2 hours", 7200),
        ("1 hr 5 secs", 3605),
        ("45 sec", 45),
    ],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", " ", "-", "m", "30x", "--5", "1m1h", "h30", "30 mi", "30 mins s", "inf", "1e3"]
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["-5", "-5m", " -1h30m"])
def test_parse_duration_says_a_negative_time_is_refused_for_that(text: str) -> None:
    with pytest.raises(ValueError, match="a time cannot be negative"):
        parse_duration(text)


@given(st.integers(0, 12), st.integers(0, 59), st.integers(0, 59))
def test_parse_duration_round_trip(h: int, m: int, s: int) -> None:
    assert parse_duration(f"{h}h{m}m{s}s") == h * 3600 + m * 60 + s


@pytest.mark.parametrize(
    ("text", "expected"),
    [("23:30", time(23, 30)), ("7:05", time(7, 5)), ("00:00", time(0, 0)), (" 6:00 ", time(6))],
)
def test_parse_clock(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["24:00", "23:60", "2330", "7", "7:5", "ab:cd", "", "-1:00"])
def test_parse_clock_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a time of day"):
        parse_clock(text)


# ---------------------------------------------------------------- bedtime window
@pytest.mark.parametrize(
    ("at", "inside"),
    [
        ((21, 59), False),
        ((22, 0), True),
        ((23, 59), True),
        ((0, 0), True),
        ((5, 59), True),
        ((6, 0), False),
    ],
)
def test_nightly_window_across_midnight(at: tuple[int, int], inside: bool) -> None:
    assert in_nightly_window(time(*at), time(22), time(6)) is inside


def test_daytime_and_empty_windows() -> None:
    assert in_nightly_window(time(14), time(13), time(15))
    assert not in_nightly_window(time(16), time(13), time(15))
    assert not in_nightly_window(time(13), time(13), time(13))
