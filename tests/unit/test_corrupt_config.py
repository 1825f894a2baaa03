"""The corrupt-config table: every kind of bad settings file, loaded twice.

Each case checks the user-facing outcome: defaults (or what could be used) are loaded, the bad
file is kept beside the original as ``settings.json.corrupt-<time>``, a second corruption gets
its own backup instead of overwriting the first, and one message names the file and the backup.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from sleepplayer.core.library_io import describe_library_cut, library_from_dict, library_to_dict
from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.settings import Settings, settings_from_dict
from sleepplayer.core.storage import load_document
from sleepplayer.services.persistence import load_state

STAMP = "20240501-233005"
VALID = json.dumps({"schema_version": 1, "volume": 20, "theme": "dark"}).encode()

# (case id, file bytes, set aside (True) or copied (False), phrase in the message, settings)
CASES = [
    ("empty", b"", True, "is empty", Settings()),
    ("whitespace", b" \n\t\n", True, "is empty", Settings()),
    ("zero-filled", b"\x00" * 4096, True, "only zero bytes", Settings()),
    # Cut short, the file still holds what came before the cut: that is used, the whole kept
    # (a version number alone is nothing to use).
    ("truncated", VALID[: len(VALID) // 2], True, "not valid JSON", Settings()),
    (
        "truncated after a value",
        b'{"schema_version": 1, "volume": 20, "the',
        False,
        # json's words, without the " starting at" it would follow with a position.
        "column 37: Unterminated string). What comes before the damage is loaded",
        Settings(volume=20),
    ),
    ("garbled", VALID[:36] + b"\x07" + VALID[37:], False, "not valid JSON", Settings(volume=20)),
    ("not an object", b"[1, 2, 3]", True, "does not hold a JSON object", Settings()),
    ("cut in its first value", b'{"volume', True, "not valid JSON", Settings()),
    ("a bare string", b'"volume"', True, "does not hold a JSON object", Settings()),
    ("invalid UTF-8", b'{"theme": "\xff\xfe"}', True, "not UTF-8", Settings()),
    (
        "wrong types",
        b'{"schema_version": 1, "volume": "loud", "shuffle": "no", "theme": "dark"}',
        False,
        'volume is "loud"',
        Settings(volume=20, theme="dark"),
    ),
    (
        "newer schema_version",
        b'{"schema_version": 7, "volume": 20, "sleep_curve": "smooth"}',
        False,
        "newer SleepPlayer",
        Settings(volume=20),
    ),
]


def fixed_now() -> datetime:
    return datetime(2024, 5, 1, 23, 30, 5)


@pytest.mark.parametrize(
    ("content", "moved", "phrase", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_corrupt_settings(
    tmp_path: Path, content: bytes, moved: bool, phrase: str, expected: Settings
) -> None:
    target = tmp_path / "settings.json"
    first_backup = tmp_path / f"settings.json.corrupt-{STAMP}"
    second_backup = tmp_path / f"settings.json.corrupt-{STAMP}-2"

    target.write_bytes(content)
    settings, message, backup = load_document(target, settings_from_dict, Settings, now=fixed_now)
    assert settings == expected
    assert backup == first_backup
    assert first_backup.read_bytes() == content
    assert target.exists() is not moved
    assert message is not None
    assert phrase in message
    assert str(target) in message and first_backup.name in message

    # A second corruption in the same second: a new backup, the first one untouched.
    target.write_bytes(content + b" ")
    _, message, backup = load_document(target, settings_from_dict, Settings, now=fixed_now)
    assert backup == second_backup
    assert second_backup.read_bytes() == content + b" "
    assert first_backup.read_bytes() == content
    assert message is not None and second_backup.name in message


def test_good_settings_make_no_backup(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(VALID)
    settings, message, backup = load_document(target, settings_from_dict, Settings)
    assert (settings.volume, settings.theme, message, backup) == (20, "dark", None, None)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_missing_settings_are_defaults_without_message(tmp_path: Path) -> None:
    assert load_document(tmp_path / "s.json", settings_from_dict, Settings) == (
        Settings(),
        None,
        None,
    )


def test_a_library_cut_short_keeps_the_playlists_before_the_cut(tmp_path: Path) -> None:
    # Seven playlists, the file cut inside the seventh: six whole ones come back, and the
    # seventh with the tracks before the cut; the whole file is kept beside it.
    playlists = [
        Playlist(f"Night {n}", [Track(f"file:///n{n}/{t}.ogg") for t in range(3)])
        for n in range(1, 8)
    ]
    text = json.dumps(library_to_dict(Library(playlists)), indent=2)
    cut = text.index("n7/2.ogg")
    target = tmp_path / "library.json"
    target.write_text(text[:cut])
    library, message, backup = load_document(
        target, library_from_dict, Library, now=fixed_now, describe_cut=describe_library_cut
    )
    names = [p.name for p in library.playlists]
    assert names == [f"Night {n}" for n in range(1, 8)]
    assert all(len(p.tracks) == 3 for p in library.playlists[:6])
    assert len(library.playlists[6].tracks) == 2
    assert message is not None and "before the damage is loaded" in message
    # The one playlist that is short is named: its missing tracks are no surprise.
    assert (
        "The damage cut playlist 'Night 7' short: only its first 2 tracks could be read" in message
    )
    assert backup is not None and backup.read_text() == text[:cut]


def test_a_library_cut_between_playlists_names_none_as_short() -> None:
    raw = {"playlists": [{"name": "Rain", "tracks": [{}]}, {"name": " ", "tracks": []}]}
    after = "; no playlist after it could be read either"
    assert describe_library_cut(raw, ("playlists",)) is None  # every one read is whole
    assert describe_library_cut(raw, ("playlists", 0, "tracks")) == (
        "The damage cut playlist 'Rain' short: only its first track could be read" + after
    )
    assert describe_library_cut(raw, ("playlists", 0, "tracks", 0)) == (
        "The damage cut playlist 'Rain' short: none of its tracks could be read" + after
    )
    assert describe_library_cut(raw, ("playlists", 1)) == (
        "The damage cut playlist 'Playlist 2' short: none of its tracks could be read" + after
    )


@pytest.mark.parametrize(
    "content", [b"", b"nonsense", b"\x00" * 64], ids=["empty", "text", "zeros"]
)
def test_a_settings_file_unusable_as_a_whole_plays_quietly(tmp_path: Path, content: bytes) -> None:
    # The trial: at volume 10, a settings.json of zero bytes or "nonsense" started the next
    # night at the default 50, 42 dB louder, perhaps by itself. A damaged volume gives 20;
    # so does a file that cannot be read at all. No file (a first start) is the default 50.
    paths = AppPaths.resolve(str(tmp_path / "home"))
    assert load_state(paths).settings.volume == Settings().volume
    paths.ensure()
    paths.settings_file.write_bytes(content)
    loaded = load_state(paths)
    assert loaded.settings.volume == 20
    assert loaded.settings == Settings(volume=20)
    assert any(p.endswith("defaults are used, at a quiet volume.") for p in loaded.problems)


def test_a_kept_copy_is_as_private_as_the_original(tmp_path: Path) -> None:
    # The trial: the original settings were 0600, the .corrupt copy 0644 (the umask's).
    target = tmp_path / "settings.json"
    target.write_bytes(b'{"schema_version": 1, "volume": "loud"}')
    target.chmod(0o600)
    _, _, backup = load_document(target, settings_from_dict, Settings, now=fixed_now)
    assert backup is not None and target.exists()  # copied, not moved
    assert backup.stat().st_mode & 0o777 == 0o600
