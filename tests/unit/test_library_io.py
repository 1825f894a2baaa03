"""Library JSON: round trip, and lenient loading that reports every skipped entry."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sleepplayer.core.library_io import LIBRARY_SCHEMA_VERSION, library_from_dict, library_to_dict
from sleepplayer.core.model import Library, Playlist, Track, TrackKind


def sample() -> Library:
    rain = Track("file:///sounds/rain.opus", "Rain", "Me", 60_000, TrackKind.LOCAL, None, "t1")
    radio = Track("https://radio.example/x", "", "", None, TrackKind.RADIO, "Unreachable", "t2")
    return Library(
        playlists=[
            Playlist("Sleep sounds", [rain], uid="p1", builtin=True),
            Playlist("Night ☾", [radio, rain.with_changes(uid="t3")], uid="p2"),
            Playlist("Empty", [], uid="p3"),
        ],
        current_uid="p2",
    )


def test_round_trip_through_json() -> None:
    lib = sample()
    d = json.loads(json.dumps(library_to_dict(lib)))
    assert d["schema_version"] == LIBRARY_SCHEMA_VERSION
    assert library_from_dict(d) == (lib, [])


def bad_library() -> dict[str, Any]:
    good = {"uri": "file:///a.mp3", "uid": "t1", "title": "A"}
    return {
        "schema_version": 1,
        "current_uid": "p1",
        "playlists": [
            {
                "uid": "p1",
                "name": "X",
                "tracks": [
                    good,
                    {"title": "no address"},
                    "just a string",
                    {"uri": "file:///b.mp3", "uid": "t1"},  # duplicate uid
                    {"uri": "https://h/c", "duration_ms": -5, "kind": "laser", "title": 7},
                    {"uri": "file:///d.mp3", "unavailable": 3, "duration_ms": True},
                ],
            },
            42,
            {"uid": "p1", "name": "", "builtin": "yes", "tracks": {"not": "a list"}},
        ],
    }


def test_malformed_entries_are_reported_and_the_rest_loaded() -> None:
    lib, problems = library_from_dict(bad_library())
    x = lib.playlists[0]
    assert x.name == "X" and x.uid == "p1"
    assert [t.uri for t in x.tracks] == [
        "file:///a.mp3",
        "file:///b.mp3",
        "https://h/c",
        "file:///d.mp3",
    ]
    a, b, c, d = x.tracks
    assert a.uid == "t1" and b.uid not in {"t1", ""}
    assert (c.duration_ms, c.kind, c.title) == (None, TrackKind.STREAM, "")
    assert (d.unavailable, d.duration_ms) == (None, None)

    third = lib.playlists[1]
    assert third.name == "Playlist 3" and third.uid != "p1"
    assert third.builtin is False and third.tracks == []
    assert lib.current_uid == "p1"

    text = "\n".join(problems)
    for phrase in [
        "Playlist 'X': entry 2 has no address and was skipped.",
        "Playlist 'X': entry 3 is not an object and was skipped.",
        "Playlist 'X': entry 4 had an invalid or duplicate id",
        "entry 5 has an invalid duration -5",
        "entry 5 has an unknown kind 'laser'",
        "entry 5 has an invalid title 7",
        "entry 6 has an invalid unavailable 3",
        "entry 6 has an invalid duration True",
        "Library: playlist 2 is not an object and was skipped.",
        "playlist 3 has no name",
        "Playlist 'Playlist 3': its id was invalid or a duplicate",
        "Playlist 'Playlist 3': builtin 'yes'",
        "Playlist 'Playlist 3': its track list is not a list",
    ]:
        assert phrase in text


def test_track_uids_need_only_be_unique_within_a_playlist() -> None:
    lib = sample()
    lib.playlists[1].tracks.append(lib.playlists[0].tracks[0])  # same uid "t1" elsewhere
    assert library_from_dict(library_to_dict(lib)) == (lib, [])


def test_many_problems_in_one_playlist_are_counted_not_listed() -> None:
    d = {"playlists": [{"uid": "p", "name": "Big", "tracks": [{}] * 100}]}
    _, problems = library_from_dict(d)
    assert len(problems) == 21
    assert problems[-1] == "Playlist 'Big': 80 more problems."


def test_bad_top_level_fields() -> None:
    lib, problems = library_from_dict({"schema_version": 9, "playlists": "nope", "current_uid": 5})
    assert lib == Library()
    assert any("newer SleepPlayer" in p for p in problems)
    assert any("'playlists' is not a list" in p for p in problems)
    assert any("current_uid 5" in p for p in problems)


@pytest.mark.parametrize("raw", [{}, {"schema_version": 1}, {"playlist": []}])
def test_a_document_with_no_playlists_list_is_a_problem(raw: dict[str, object]) -> None:
    lib, problems = library_from_dict(raw)
    assert lib == Library()
    assert problems == ["Library: the file holds no list of playlists; none could be loaded."]


def test_an_address_no_way_in_would_take_is_kept_but_never_played() -> None:
    # The trial: smb: and javascript: typed into library.json loaded as tracks, silently, and
    # the smb one was handed to libVLC. Kept (never dropped), marked, and named.
    raw = {
        "playlists": [
            {
                "name": "Edited",
                "tracks": [
                    {"uri": "smb://evil/share/x.mp3"},
                    {"uri": "javascript:alert(1)"},
                    {"uri": "file:///music/rain.ogg"},
                ],
            }
        ]
    }
    lib, problems = library_from_dict(raw)
    smb, script, rain = lib.playlists[0].tracks
    assert smb.unavailable == "not played: smb: addresses are not allowed"
    assert script.unavailable == "not played: javascript: addresses are not allowed"
    assert rain.unavailable is None
    assert "Playlist 'Edited': entry 1 (smb://evil/share/x.mp3) is not played" in problems[0]
    assert len(problems) == 2
    again, problems = library_from_dict(library_to_dict(lib))  # saved, then the next start
    assert problems == [] and again.playlists[0].tracks[0].unavailable == smb.unavailable
