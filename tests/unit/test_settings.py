"""Settings: defaults, round trip, lenient loading, migrations."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from sleepplayer.core.model import RepeatMode
from sleepplayer.core.settings import (
    MIGRATIONS,
    SETTINGS_SCHEMA_VERSION,
    Settings,
    settings_from_dict,
    settings_to_dict,
)


def test_round_trip_keeps_every_field() -> None:
    s = Settings(
        volume=17,
        repeat=RepeatMode.ONE,
        shuffle=True,
        restore_position=False,
        theme="light",
        window_geometry="AAA=",
        window_state="BBB=",
        splitter_state="CCC=",
    )
    d = settings_to_dict(s)
    assert d["schema_version"] == SETTINGS_SCHEMA_VERSION
    assert d["repeat"] == "one"
    assert set(d) == {"schema_version"} | {f.name for f in dataclasses.fields(Settings)}
    assert settings_from_dict(d) == (s, [])


def test_empty_dict_gives_defaults_without_problems() -> None:
    # An empty dict has no schema_version, so it is migrated from version 0: still all defaults.
    assert settings_from_dict({}) == (Settings(), [])


def test_unknown_keys_are_ignored() -> None:
    d = settings_to_dict(Settings()) | {"future_option": 3}
    assert settings_from_dict(d) == (Settings(), [])


@pytest.mark.parametrize(
    ("key", "value", "expected", "fragment"),
    [
        # A damaged volume is the default, never the loudest end: nothing loud at night.
        # A damaged volume gets a quiet one, not the default 50: it may play on by itself.
        ("volume", 500, 20, "outside 0-100; using 20"),
        ("volume", -3, 20, "outside 0-100"),
        ("sleep_minutes", 9999, 30, "outside 1-720; using 30"),
        # A damaged fade is the default, not "no fade": that would cut the sound off hard.
        ("fade_s", -5, 60, "outside 0-43200; using 60"),
        ("fade_s", 10**9, 60, "outside 0-43200; using 60"),
        ("volume", "loud", 20, 'is "loud", not a whole number'),
        ("volume", True, 20, "is true, not a whole number"),
        ("volume", 42.0, 20, "not a whole number"),
        ("restore_position", "yes", True, 'is "yes", not true or false; using true'),
        ("restore_position", 1, True, "not true or false"),
        ("repeat", "sometimes", RepeatMode.OFF, "expected one of"),
        ("repeat", None, RepeatMode.OFF, "expected one of"),
        ("theme", "purple", "system", "expected one of"),
        ("theme", 3, "system", "not text"),
        ("window_geometry", None, "", "not text"),
    ],
)
def test_bad_value_falls_back_and_is_reported(
    key: str, value: Any, expected: Any, fragment: str
) -> None:
    d = settings_to_dict(Settings(shuffle=True)) | {key: value}
    s, problems = settings_from_dict(d)
    assert getattr(s, key) == expected
    assert s.shuffle is True  # the other settings survive
    assert len(problems) == 1
    assert problems[0].startswith(key)
    assert fragment in problems[0]


def test_newer_schema_loads_known_fields_and_says_so() -> None:
    d = settings_to_dict(Settings(volume=33)) | {"schema_version": 99, "new_thing": []}
    s, problems = settings_from_dict(d)
    assert s.volume == 33
    assert problems and "newer SleepPlayer" in problems[0]


def test_invalid_schema_version_is_reported() -> None:
    d = settings_to_dict(Settings(volume=33)) | {"schema_version": "one"}
    s, problems = settings_from_dict(d)
    assert s.volume == 33
    assert problems and "schema_version" in problems[0]


def test_migration_0_to_1() -> None:
    v0 = {"volume": 0.35, "repeat": True, "muted": True, "theme": "dark"}
    s, problems = settings_from_dict(v0)
    assert problems == []
    assert (s.volume, s.repeat, s.theme) == (35, RepeatMode.ALL, "dark")  # "muted" is not kept
    s, _ = settings_from_dict({"volume": 1, "repeat": False})
    assert (s.volume, s.repeat) == (100, RepeatMode.OFF)


def test_migration_0_to_1_leaves_bad_values_for_validation() -> None:
    s, problems = settings_from_dict({"volume": "x", "repeat": "all"})
    assert s.volume == 20 and s.repeat is RepeatMode.ALL
    assert len(problems) == 1 and problems[0].startswith("volume")


def test_migration_chain_is_complete() -> None:
    assert sorted(MIGRATIONS) == list(range(SETTINGS_SCHEMA_VERSION))


def test_a_saved_volume_of_0_starts_the_night_heard_not_silent() -> None:
    # Only an older version saved 0 (a mute, or the slider taken down): for the window app
    # and --headless alike it reads as a quiet 20, and says nothing (it is no damage).
    s, problems = settings_from_dict({"schema_version": 1, "volume": 0})
    assert (s.volume, problems) == (20, [])
