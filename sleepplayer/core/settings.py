"""User settings: one typed dataclass, its JSON form, and migrations from older files.

Every setting is declared once, on ``Settings``; the JSON codec walks ``dataclasses.fields`` and
checks each value against the field's default type plus optional ``metadata`` (``range``;
``choices`` restricts; ``check`` is a (predicate, what was expected) pair). Loading is lenient:
a bad value falls back to its default and is reported, so one broken entry never costs the user
their other settings. A number out of its range is damage too, and gets the default, not the
nearest end: a fade of -5 s clamped would be no fade (a hard cut at night), a volume of 500 the
loudest.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sleepplayer.core.model import RepeatMode
from sleepplayer.core.sleep_plan import EndAction, FadeCurve, parse_clock

SETTINGS_SCHEMA_VERSION = 1

THEMES = ("system", "dark", "light")


def _is_shortcut_map(value: object) -> bool:
    # Shape only: which action ids exist is the UI's business, and unknown ones are ignored there.
    return (
        isinstance(value, dict)
        and len(value) <= 200
        and all(
            isinstance(k, str) and isinstance(v, str) and 0 < len(k) <= 64 and len(v) <= 64
            for k, v in value.items()
        )
    )


def _is_clock(text: str) -> bool:
    try:
        parse_clock(text)
    except ValueError:
        return False
    return True


#: The volume a damaged or silent saved one becomes: heard, and never loud.
_QUIET_VOLUME = 20


def unusable_settings() -> Settings:
    """What a settings file that could not be read at all gives: the defaults, at a quiet
    volume (playing on after a restart may start by itself, in the night)."""
    return Settings(volume=_QUIET_VOLUME)


@dataclass
class Settings:
    """Everything the user can set, with its default. Window states are base64 Qt blobs."""

    #: The last volume heard (a volume taken down to 0, or a mute, is not kept). A damaged
    #: value gets a quiet one, not the default: it may play on by itself, in the night.
    volume: int = field(default=50, metadata={"range": (0, 100), "if_damaged": _QUIET_VOLUME})
    repeat: RepeatMode = RepeatMode.OFF
    shuffle: bool = False
    restore_position: bool = True
    theme: str = field(default="system", metadata={"choices": THEMES})
    window_geometry: str = ""
    window_state: str = ""
    splitter_state: str = ""
    # The sleep timer's defaults (the timer panel starts from these; bedtime arms them).
    sleep_minutes: int = field(default=30, metadata={"range": (1, 720)})
    fade_s: int = field(default=60, metadata={"range": (0, 43200)})
    fade_curve: FadeCurve = FadeCurve.GENTLE
    end_action: EndAction = EndAction.PAUSE
    let_track_finish: bool = False
    max_finish_wait_min: int = field(default=15, metadata={"range": (0, 720)})
    activity_grace: bool = True
    grace_extension_min: int = field(default=10, metadata={"range": (1, 720)})
    keep_awake: bool = True
    bedtime_enabled: bool = False
    bedtime_start: str = field(default="22:00", metadata={"check": (_is_clock, "HH:MM")})
    bedtime_end: str = field(default="06:00", metadata={"check": (_is_clock, "HH:MM")})
    # Window and tray.
    close_to_tray: bool = True
    start_minimised: bool = False
    #: Start playing again on launch when SleepPlayer was playing at quit (off: never a loud
    #: surprise on start; the last track and position are restored either way).
    resume_playing: bool = False
    #: The one-time "still running in the tray" message was shown.
    tray_hint_shown: bool = False
    # Notifications are tray messages only; SleepPlayer never makes a sound of its own.
    notifications: bool = True
    #: Off by default: nothing pops up while the user falls asleep (bedtime window or timer).
    notifications_at_night: bool = False
    #: Shortcuts the user changed: action id -> key sequence text ("" removes the shortcut).
    shortcuts: dict[str, str] = field(
        default_factory=dict,
        metadata={"check": (_is_shortcut_map, "a map of action names to key sequences")},
    )


def setting_range(name: str) -> tuple[int, int]:
    """The (lowest, highest) a number setting may take, from its ``range`` metadata, so an
    editor offers exactly what loading accepts. KeyError for a setting without a range."""
    for f in dataclasses.fields(Settings):
        if f.name == name:
            low, high = f.metadata["range"]
            return int(low), int(high)
    raise KeyError(name)


def _migrate_0_to_1(d: dict[str, Any]) -> dict[str, Any]:
    # Version 0 stored volume as a 0.0-1.0 fraction and repeat as a bool meaning "repeat all".
    out = dict(d)
    volume = out.get("volume")
    if isinstance(volume, int | float) and not isinstance(volume, bool):
        out["volume"] = round(volume * 100)
    repeat = out.get("repeat")
    if isinstance(repeat, bool):
        out["repeat"] = RepeatMode.ALL.value if repeat else RepeatMode.OFF.value
    return out


#: ``MIGRATIONS[n]`` turns a version-n dict into a version-(n+1) dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _migrate_0_to_1,
}


def settings_to_dict(s: Settings) -> dict[str, Any]:
    """The JSON-ready form of ``s``, with ``schema_version``."""
    out: dict[str, Any] = {"schema_version": SETTINGS_SCHEMA_VERSION}
    for f in dataclasses.fields(s):
        value = getattr(s, f.name)
        out[f.name] = value.value if isinstance(value, enum.Enum) else value
    return out


def settings_from_dict(d: Mapping[str, Any]) -> tuple[Settings, list[str]]:
    """Settings from their JSON form, and human-readable problems found on the way.

    Problems do not say "Settings": the caller adds which file they come from.
    """
    problems: list[str] = []
    data = dict(d)
    version = data.pop("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        problems.append(
            f"schema_version {version!r} is not valid; read as version {SETTINGS_SCHEMA_VERSION}."
        )
        version = SETTINGS_SCHEMA_VERSION
    if version > SETTINGS_SCHEMA_VERSION:
        problems.append(
            f"written by a newer SleepPlayer (schema version {version}); "
            "only the settings this version knows were loaded."
        )
    while version < SETTINGS_SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1

    defaults = Settings()
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        if f.name not in data:
            continue
        value, problem = _convert(f, data[f.name], getattr(defaults, f.name))
        if problem:
            problems.append(f"{f.name} {problem}")
        values[f.name] = value
    if values.get("volume") == 0:
        # Only an older version saved a volume of 0 (or a mute): a night would start silent.
        values["volume"] = _QUIET_VOLUME
    return Settings(**values), problems


_KIND_NAMES: dict[type, str] = {int: "a whole number", bool: "true or false", str: "text"}


def _convert(f: dataclasses.Field[Any], raw: Any, default: Any) -> tuple[Any, str | None]:
    """``raw`` checked against field ``f``: (value to use, problem or None). A damaged value
    gets the field's ``if_damaged`` value where it has one, else its default. Values are
    shown as the file writes them (``true``, ``"loud"``), not as Python does."""
    instead = f.metadata.get("if_damaged", default)
    if isinstance(default, enum.Enum):
        try:
            return type(default)(raw), None
        except ValueError:
            allowed = ", ".join(_shown(m.value) for m in type(default))
            return default, f"is {_shown(raw)}, expected one of {allowed}; using {_shown(default)}."
    # bool is a subclass of int, so it must be ruled out explicitly for int fields.
    if type(raw) is not type(default):
        expected = _KIND_NAMES.get(type(default), type(default).__name__)
        return instead, f"is {_shown(raw)}, not {expected}; using {_shown(instead)}."
    if "choices" in f.metadata and raw not in f.metadata["choices"]:
        allowed = ", ".join(_shown(c) for c in f.metadata["choices"])
        return instead, f"is {_shown(raw)}, expected one of {allowed}; using {_shown(instead)}."
    if "check" in f.metadata:
        check, expected = f.metadata["check"]
        if not check(raw):
            return instead, f"is {_shown(raw)}, not {expected}; using {_shown(instead)}."
    if "range" in f.metadata:
        low, high = f.metadata["range"]
        if not low <= raw <= high:
            return instead, f"is {_shown(raw)}, outside {low}-{high}; using {_shown(instead)}."
    return raw, None


def _shown(value: Any) -> str:
    """``value`` as JSON writes it, cut short."""
    if isinstance(value, enum.Enum):
        value = value.value
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
