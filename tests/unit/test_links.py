"""core.links: sorting typed/pasted/command-line items, and guessing a link's kind; and
bootstrap.expand_items, which sorts the command line with it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sleepplayer.bootstrap import expand_items
from sleepplayer.core.links import (
    LinkKind,
    absolute_items,
    has_scheme,
    hls_kind,
    is_web_url,
    kind_from_headers,
    kind_from_suffix,
    local_path,
    split_links,
)
from sleepplayer.core.model import Library, Playlist, Track


def test_split_links_sorts_lines(tmp_path: Path) -> None:
    song = tmp_path / "rain.opus"
    song.write_bytes(b"x")
    listing = tmp_path / "night.m3u8"
    listing.write_text("#EXTM3U\n")
    links = split_links(
        [
            "  https://radio.example/live  ",
            "",
            "#EXTINF:-1,comment lines of pasted M3U text are skipped",
            song.as_uri(),
            str(listing),
            "HTTP://Example.com/a.mp3",
            "smb://nas/share/a.mp3",
            "example.com/no-scheme",
            "file://otherhost/share/a.mp3",
        ]
    )
    assert links.urls == ["https://radio.example/live", "HTTP://Example.com/a.mp3"]
    assert links.paths == [str(song)]
    assert links.playlist_files == [str(listing)]
    assert links.other == [
        "smb://nas/share/a.mp3", "example.com/no-scheme", "file://otherhost/share/a.mp3",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "web"),
    [("http://a.example", True), ("https://a.example/x?y", True), ("https://", False),
     ("ftp://a.example", False), ("a.example", False), ("http://[::1", False)],
)  # fmt: skip
def test_is_web_url(text: str, web: bool) -> None:
    assert is_web_url(text) is web


def test_has_scheme() -> None:
    assert has_scheme("smb://nas/x") and has_scheme("vlc://quit") and has_scheme("dshow://")
    assert not has_scheme("C:\\Music\\a.mp3") and not has_scheme("rain.opus")


@pytest.mark.parametrize(
    ("url", "kind"),
    [("http://h/a.ogg", LinkKind.STREAM), ("http://h/list.PLS?x=1", LinkKind.PLAYLIST),
     ("http://h/live.m3u8", LinkKind.PLAYLIST), ("http://h/watch?v=1", None),
     ("http://h/page.html", None)],
)  # fmt: skip
def test_kind_from_suffix(url: str, kind: LinkKind | None) -> None:
    assert kind_from_suffix(url) is kind


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ({"content-type": "audio/ogg", "content-length": "100"}, LinkKind.STREAM),
        ({"content-type": "audio/mpeg"}, LinkKind.RADIO),  # endless: no length
        ({"content-type": "audio/mpeg", "content-length": "9"}, LinkKind.STREAM),
        ({"content-type": "audio/flac"}, LinkKind.STREAM),
        ({"content-type": "video/mp4", "content-length": "9"}, LinkKind.STREAM),
        ({"content-type": "audio/aac", "icy-name": "x", "content-length": "9"}, LinkKind.RADIO),
        ({"content-type": "audio/x-scpls"}, LinkKind.PLAYLIST),
        ({"content-type": "application/vnd.apple.mpegurl"}, LinkKind.PLAYLIST),
        ({"content-type": "application/xspf+xml; charset=utf-8"}, LinkKind.PLAYLIST),
        ({"content-type": "text/html; charset=utf-8"}, LinkKind.WEB),
        ({"content-type": "application/json"}, LinkKind.WEB),
        ({}, LinkKind.STREAM),
    ],
)
def test_kind_from_headers(headers: dict[str, str], kind: LinkKind) -> None:
    assert kind_from_headers("http://h/x", headers) is kind


def test_octet_stream_falls_back_to_the_extension() -> None:
    octet = {"content-type": "application/octet-stream"}
    assert kind_from_headers("http://h/list.pls", octet) is LinkKind.PLAYLIST
    assert kind_from_headers("http://h/a.ogg", octet) is LinkKind.STREAM


def test_hls_sniffing() -> None:
    assert hls_kind(b"#EXTM3U\n#EXTINF:3,a\nhttp://h/a.mp3\n") is None
    live = b"#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\nseg1.ts\n"
    assert hls_kind(live) is LinkKind.RADIO
    assert hls_kind(live + b"#EXT-X-ENDLIST\n") is LinkKind.STREAM
    assert hls_kind(b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.m3u8\n") is LinkKind.STREAM


def test_existing_relative_paths_become_absolute_and_the_rest_stays(tmp_path: Path) -> None:
    (tmp_path / "rain.opus").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    items = ["rain.opus", "sub/../rain.opus", "Sleep sounds", "gone.ogg", "/abs/x.mp3",
             "https://e.org/a.mp3", "smb://nas/a.mp3", "file:///a.mp3"]  # fmt: skip
    assert absolute_items(items, str(tmp_path)) == (
        str(tmp_path / "rain.opus"),
        str(tmp_path / "rain.opus"),
        "Sleep sounds",
        "gone.ogg",
        "/abs/x.mp3",
        "https://e.org/a.mp3",
        "smb://nas/a.mp3",
        "file:///a.mp3",
    )


def test_expand_items_sorts_the_command_line(tmp_path: Path) -> None:
    song = tmp_path / "rain.opus"
    song.write_bytes(b"x")
    listing = tmp_path / "night.pls"
    listing.write_text("[playlist]\n")
    saved = Playlist("Evening", [Track("file:///a.opus")])
    opened = expand_items(
        [
            "https://radio.example/live",
            str(song),
            listing.as_uri(),
            "evening",
            str(tmp_path / "gone.ogg"),
            "smb://nas/a.mp3",
            str(tmp_path / "gone.m3u"),
        ],
        Library([saved]),
    )
    assert opened.urls == ["https://radio.example/live", "smb://nas/a.mp3"]
    assert opened.paths == [str(song), str(tmp_path / "gone.ogg")]
    assert opened.playlist_files == [str(listing), str(tmp_path / "gone.m3u")]
    assert opened.playlists == [saved]
    assert not opened.only_playlists()
    assert expand_items(["Evening"], Library([saved])).only_playlists()


def test_a_file_uri_is_decoded_once() -> None:
    # "%2520" is an escaped "%20": the file's name really contains "%20".
    assert local_path("file:///music/a%2520b.ogg") == "/music/a%20b.ogg"
    assert local_path("file:///music/a%20b.ogg") == "/music/a b.ogg"


def test_a_file_uri_of_a_name_that_is_not_utf8_names_that_very_file(tmp_path: Path) -> None:
    # The trial: exported and imported again, b"b\xffbad.ogg" was "File not found" (url2pathname
    # made %FF a U+FFFD), though it was there and played.
    path = Path(os.fsdecode(bytes(tmp_path) + b"/b\xffbad.ogg"))
    path.write_bytes(b"")
    found = local_path(path.as_uri())
    assert found is not None and os.path.exists(found) and found == str(path)
