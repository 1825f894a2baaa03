"""What MPRIS shows, as plain values: track ids, status, loop, volume, metadata, OpenUri policy."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sleepplayer import APP_ID, APP_NAME
from sleepplayer.core.model import RepeatMode, Track, TrackKind
from sleepplayer.desktop.mpris_metadata import (
    BUS_NAME,
    NO_TRACK,
    Int64,
    ObjectPath,
    PlayerView,
    bus_name_fallback,
    loop_status,
    metadata,
    mpris_volume,
    open_uri_problem,
    playback_status,
    player_properties,
    position,
    repeat_for_loop_status,
    root_properties,
    track_id,
    volume_from_mpris,
)
from sleepplayer.desktop.now_playing import create_now_playing, has_mpris
from sleepplayer.playback.backend import PlayerState

#: The D-Bus spec's object path grammar.
OBJECT_PATH = re.compile(r"^/([A-Za-z0-9_]+(/[A-Za-z0-9_]+)*)?$")

RAIN = Track("file:///music/rain.ogg", "Rain", "Night Owl", 180_000, uid="rain")


def test_names_follow_the_spec() -> None:
    assert BUS_NAME == "org.mpris.MediaPlayer2.sleepplayer"
    assert bus_name_fallback(4242) == "org.mpris.MediaPlayer2.sleepplayer.instance4242"
    assert NO_TRACK.path == "/org/mpris/MediaPlayer2/TrackList/NoTrack"


@given(st.text(max_size=40))
def test_every_uid_gives_a_valid_object_path(uid: str) -> None:
    assert OBJECT_PATH.match(track_id(uid).path)
    assert not track_id(uid).path.startswith("/org/mpris")  # the spec reserves that


@given(st.text(max_size=8), st.text(max_size=8))
def test_different_uids_never_share_an_id(a: str, b: str) -> None:
    assert (track_id(a) == track_id(b)) == (a == b)


def test_track_ids_are_stable_and_distinct() -> None:
    assert track_id("4f2a9c").path == "/" + APP_ID.replace(".", "/") + "/Track/4f2a9c"
    uids = ("a-b", "a.b", "a_b", "a_2d_b", "", "ä", "-a", "\u02da")
    assert len({track_id(uid).path for uid in uids}) == len(uids)  # escaping keeps them apart
    assert track_id("a-b") == track_id("a-b")


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (PlayerState.PLAYING, "Playing"),
        (PlayerState.OPENING, "Playing"),  # starting counts as what was asked for
        (PlayerState.BUFFERING, "Playing"),
        (PlayerState.PAUSED, "Paused"),
        (PlayerState.STOPPED, "Stopped"),
        (PlayerState.IDLE, "Stopped"),
        (PlayerState.ENDED, "Stopped"),
        (PlayerState.ERROR, "Stopped"),
    ],
)
def test_playback_status(state: PlayerState, status: str) -> None:
    assert playback_status(state) == status


def test_loop_status_maps_both_ways() -> None:
    pairs = {RepeatMode.OFF: "None", RepeatMode.ONE: "Track", RepeatMode.ALL: "Playlist"}
    for mode, name in pairs.items():
        assert loop_status(mode) == name
        assert repeat_for_loop_status(name) is mode
    assert repeat_for_loop_status("track") is None
    assert repeat_for_loop_status("Forever") is None


@pytest.mark.parametrize(
    ("written", "volume"),
    [(0.5, 50), (0.254, 25), (1.0, 100), (1.7, 100), (1e300, 100), (-0.3, 0), (0.0, 0)],
)
def test_volume_writes_are_clamped_to_full(written: float, volume: int) -> None:
    assert volume_from_mpris(written) == volume


def test_volume_writes_that_are_not_numbers_are_refused() -> None:
    assert volume_from_mpris(float("nan")) is None
    assert volume_from_mpris(float("inf")) is None


def test_volume_reads() -> None:
    assert mpris_volume(40) == 0.4
    assert mpris_volume(0) == 0.0
    assert mpris_volume(100) == 1.0


def test_metadata_of_a_local_track() -> None:
    assert metadata(RAIN, 180_000, "") == {
        "mpris:trackid": track_id("rain"),
        "xesam:title": "Rain",
        "xesam:artist": ["Night Owl"],
        "mpris:length": Int64(180_000_000),
        "xesam:url": "file:///music/rain.ogg",
    }


def test_metadata_leaves_out_what_is_unknown() -> None:
    untagged = Track("file:///music/Soft%20waves.opus", uid="w")
    assert metadata(untagged, 0, "") == {
        "mpris:trackid": track_id("w"),
        "xesam:title": "Soft waves",  # from the file name, as the window shows it
        "xesam:url": "file:///music/Soft%20waves.opus",
    }
    assert metadata(None, 0, "") == {"mpris:trackid": NO_TRACK}


def test_a_stream_shows_its_now_playing_title_and_the_station() -> None:
    radio = Track("https://radio.example/live", "Night radio", kind=TrackKind.RADIO, uid="r")
    values = metadata(radio, 0, "Gentle rain - Part 2")
    assert values["xesam:title"] == "Gentle rain - Part 2"
    assert values["xesam:album"] == "Night radio"
    assert "mpris:length" not in values
    assert metadata(radio, 0, "")["xesam:title"] == "Night radio"


def _view(**changes: object) -> PlayerView:
    base: dict[str, object] = {
        "state": PlayerState.STOPPED,
        "track": None,
        "duration_ms": 0,
        "stream_title": "",
        "volume": 50,
        "repeat": RepeatMode.OFF,
        "shuffle": False,
        "queue_length": 0,
    }
    base.update(changes)
    return PlayerView(**base)  # type: ignore[arg-type]


def test_can_flags_follow_the_track_and_the_queue() -> None:
    empty = player_properties(_view())
    assert not empty["CanPlay"] and not empty["CanPause"] and not empty["CanSeek"]
    assert not empty["CanGoNext"] and not empty["CanGoPrevious"]
    assert empty["CanControl"] is True  # always: the spec says it never changes

    queued = player_properties(_view(queue_length=3))
    assert queued["CanPlay"] and queued["CanGoNext"] and queued["CanGoPrevious"]

    playing = player_properties(_view(track=RAIN, duration_ms=180_000, queue_length=1))
    assert playing["CanSeek"] and playing["CanPlay"]
    assert not playing["CanGoNext"]  # one track: Next could not change it

    radio = Track("https://radio.example/live", kind=TrackKind.RADIO, uid="r")
    assert not player_properties(_view(track=radio, duration_ms=0))["CanSeek"]


def test_stopped_mid_track_is_paused_in_all_but_name() -> None:
    assert playback_status(PlayerState.STOPPED, held_mid_track=True) == "Paused"
    assert playback_status(PlayerState.ENDED, held_mid_track=True) == "Stopped"
    held = _view(track=RAIN, duration_ms=180_000, held_mid_track=True)
    assert player_properties(held)["PlaybackStatus"] == "Paused"
    assert player_properties(_view(track=RAIN, duration_ms=180_000))["PlaybackStatus"] == "Stopped"
    assert player_properties(_view(held_mid_track=True))["PlaybackStatus"] == "Stopped"  # no track


def test_player_properties_carry_every_announced_property() -> None:
    values = player_properties(_view(volume=40, repeat=RepeatMode.ALL, shuffle=True))
    assert values["Volume"] == 0.4
    assert values["LoopStatus"] == "Playlist"
    assert values["Shuffle"] is True
    assert values["Rate"] == values["MinimumRate"] == values["MaximumRate"] == 1.0
    assert "Position" not in values  # read on demand, never announced
    assert position(1_500) == Int64(1_500_000)
    assert position(-3) == Int64(0)


def test_root_properties() -> None:
    values = root_properties()
    assert values["Identity"] == APP_NAME
    assert values["DesktopEntry"] == APP_ID
    assert values["CanQuit"] is values["CanRaise"] is True
    assert values["HasTrackList"] is False
    assert values["SupportedUriSchemes"] == ["file", "http", "https"]
    assert all(isinstance(t, str) and "/" in t for t in values["SupportedMimeTypes"])  # type: ignore[union-attr]
    assert root_properties(has_window=False)["CanRaise"] is False  # the headless player


@pytest.mark.parametrize(
    "uri", ["file:///music/rain.ogg", "https://radio.example/live", "http://127.0.0.1:8000/a"]
)
def test_open_uri_accepts_what_a_local_playlist_may_hold(uri: str) -> None:
    assert open_uri_problem(uri) is None


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("smb://nas/share/rain.ogg", "smb: addresses are not allowed"),
        ("file://nas/share/rain.ogg", "network paths are not allowed"),
        ("dshow://", "dshow: addresses are not allowed"),
        ("vlc://quit", "vlc: addresses are not allowed"),
        ("/music/rain.ogg", "not a file:, http: or https: address"),
        ("", "blank entry"),
        ("https://", "the address has no host"),
    ],
)
def test_open_uri_refuses_the_rest_with_a_reason(uri: str, reason: str) -> None:
    assert open_uri_problem(uri) == reason


def test_object_path_and_int64_are_values() -> None:
    assert ObjectPath("/a") == ObjectPath("/a")
    assert Int64(5) != Int64(6)


@pytest.mark.parametrize("platform", ["win32", "darwin", "cygwin"])
def test_no_now_playing_service_where_none_is_written_yet(platform: str) -> None:
    # SMTC (Windows) and MPNowPlayingInfoCenter (macOS) would plug in here.
    assert not has_mpris(platform)
    assert create_now_playing(None, platform=platform) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("platform", ["linux", "freebsd14", "openbsd7"])
def test_mpris_where_desktops_speak_it(platform: str) -> None:
    assert has_mpris(platform)
