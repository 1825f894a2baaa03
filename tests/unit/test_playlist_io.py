"""Playlist files: real-world samples, round trips, relative paths, the URL policy, limits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sleepplayer.core.model import Track, TrackKind
from sleepplayer.core.playlist_io import (
    ALLOWED_LOCAL,
    ALLOWED_REMOTE,
    FORMATS,
    MAX_ENTRIES,
    MAX_PLAYLIST_BYTES,
    ImportResult,
    PlaylistEntry,
    PlaylistError,
    check_uri,
    detect_format,
    entries_from_tracks,
    read_playlist,
    track_for_entry,
    write_playlist,
)

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "playlists"
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir())
LISTS = "file:///home/sam/Lists/night.m3u"  # a playlist's own location, for relative entries


def read_sample(name: str) -> ImportResult:
    path = SAMPLES / name
    return read_playlist(path.read_bytes(), name=name, base=path.as_uri())


def read_text(
    text: str, fmt: str, *, base: str | None = LISTS, remote: bool = False
) -> ImportResult:
    return read_playlist(text.encode("utf-8"), fmt=fmt, base=base, remote=remote)


def uris(result: ImportResult) -> list[str]:
    return [e.uri for e in result.entries]


# --- the samples -------------------------------------------------------------------------------


def test_itunes_m3u_with_windows_paths_and_cp1252() -> None:
    result = read_sample("itunes_windows.m3u")
    here = SAMPLES.as_uri()
    assert result.entries == [
        PlaylistEntry(
            "file:///C:/Users/Anna/Music/iTunes/iTunes%20Media/Music/Nature%20Sounds/Rain/"
            "01%20Rain%20on%20a%20Tin%20Roof.mp3",
            "Rain on a Tin Roof \u2013 3 Hours",
            2_712_000,
        ),
        PlaylistEntry(
            "file:///C:/Users/Anna/Music/iTunes/iTunes%20Media/Music/Ambience/Caf%C3%A9/"
            "02%20Caf%C3%A9%20Ambience.m4a",
            "Caf\u00e9 Ambience (Paris)",
            1_805_000,
        ),
        PlaylistEntry(
            here.rsplit("/", 1)[0] + "/Sleep/Ocean%20Waves.m4a",
            "Ocean Waves \u2019Night\u2019",
            3_600_000,
        ),
        PlaylistEntry(here + "/Brown%20Noise.flac", "Brown Noise", None),
    ]
    assert result.refused == []
    assert result.name is None


def test_shoutcast_pls_in_any_order_and_case() -> None:
    result = read_sample("shoutcast_radio.pls")
    assert uris(result) == [
        "http://ice1.somafm.com/dronezone-128-mp3",
        "http://radio.example.net:8002/sleep.aac",
        "http://198.51.100.23:8000/;stream.nsv",
    ]
    assert result.entries[2].title == "(#3 - 12/250) Deep Sleep Radio"
    assert all(e.duration_ms is None for e in result.entries)
    assert [track_for_entry(e).kind for e in result.entries] == [TrackKind.RADIO] * 3
    assert result.refused == []


def test_vlc_xspf_with_escapes_and_options() -> None:
    result = read_sample("vlc_export.xspf")
    assert result.name == "Sleep & Relax"
    assert result.entries == [
        PlaylistEntry(
            "file:///home/sam/Music/ASMR/Whispers%20%26%20Page%20Turning.opus",
            "Whispers & Page Turning",
            1_843_000,
        ),
        PlaylistEntry(
            "file:///home/sam/Music/ASMR/Caf%C3%A9%20%3C%20Night%20%3E.ogg",
            'Caf\u00e9 <Night> "live"',
            600_500,
        ),
        PlaylistEntry(
            SAMPLES.as_uri() + "/Fireplace/Crackling%20Fire%20%281h%29.flac",
            "Crackling Fire",
            3_600_000,
        ),
        PlaylistEntry("https://stream.example.org/rain.mp3?token=a&b=2", "Rain stream", None),
    ]
    assert result.refused == ["3 VLC options ignored (VLC options in playlists are never used)"]


def test_unicode_m3u8_ignores_vlc_options() -> None:
    result = read_sample("unicode_vlcopt.m3u8")
    assert result.name == "\u7720\u308c\u308b ASMR \U0001f319"
    assert [e.title for e in result.entries] == [
        "\u8033\u304b\u304d ASMR \u2014 \u5ba2\u5ba4\u4e57\u52d9\u54e1\u30ed\u30fc\u30eb"
        "\u30d7\u30ec\u30a4",
        "\u0420\u0430\u0434\u0438\u043e \u0414\u043e\u0436\u0434\u044c \U0001f327\ufe0f",
        "Gentle Whispering \u2764 Soft Spoken",
        "Cr\u00e8me br\u00fbl\u00e9e tapping",
    ]
    assert result.entries[0].uri == (
        SAMPLES.as_uri() + "/%E8%80%B3%E3%81%8B%E3%81%8D/01%20%E8%80%B3%E3%81%8B%E3%81%8D.opus"
    )
    assert result.entries[2].duration_ms == 2_400_500
    assert result.refused == [
        "3 #EXTVLCOPT lines ignored (VLC options in playlists are never used)"
    ]
    assert not any("sout" in e.uri or "caching" in e.uri for e in result.entries)
    kinds = [track_for_entry(e).kind for e in result.entries]
    assert kinds == [TrackKind.LOCAL, TrackKind.RADIO, TrackKind.WEB, TrackKind.LOCAL]


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("relative", [False, True])
def test_round_trip(sample: str, fmt: str, relative: bool, tmp_path: Path) -> None:
    first = read_sample(sample)
    target = SAMPLES / f"exported.{fmt}"  # beside the sample: its relative entries stay relative
    data = write_playlist(
        first.entries, fmt, playlist_path=target, relative=relative, name=first.name or ""
    )
    again = read_playlist(data, name=target.name, base=target.as_uri())
    assert again.entries == first.entries
    assert again.refused == []
    if fmt != "pls":
        assert again.name == first.name
    written = data.decode("utf-8")
    local_here = [e for e in first.entries if e.uri.startswith(SAMPLES.parent.as_uri())]
    for entry in local_here:
        assert (entry.uri in written) is (fmt == "xspf" and not relative)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("relative", [False, True])
def test_round_trip_from_tracks(fmt: str, relative: bool, tmp_path: Path) -> None:
    music = tmp_path / "Music"
    names = ["Rain & Thunder (1h).opus", "#1 Fire.flac", "a:b.mp3", "100% Ocean.ogg", "é 雨.m4a"]
    tracks = [Track(uri=(music / "Sleep" / n).as_uri(), title=n, duration_ms=61_234) for n in names]
    tracks += [
        Track(uri=(tmp_path / "elsewhere.mp3").as_uri()),
        Track(uri="https://ice.example.org:8000/rain", kind=TrackKind.RADIO),
        Track(
            uri="https://www.youtube.com/watch?v=abc&t=5",
            title="ASMR",
            artist="Gentle <Whispers> & Co",
            kind=TrackKind.WEB,
        ),
    ]
    playlist = music / "Lists" / f"night.{fmt}"
    data = write_playlist(
        entries_from_tracks(tracks), fmt, playlist_path=playlist, relative=relative, name="Night"
    )
    playlist.parent.mkdir(parents=True)
    playlist.write_bytes(data)
    result = read_playlist(playlist.read_bytes(), name=playlist.name, base=playlist.as_uri())
    assert uris(result) == [t.uri for t in tracks]
    assert [e.title for e in result.entries] == [t.title for t in tracks]
    assert [e.duration_ms for e in result.entries] == [t.duration_ms for t in tracks]
    if fmt == "xspf":  # the only format with a field for the artist
        assert [e.artist for e in result.entries] == [t.artist for t in tracks]
    text = data.decode("utf-8")
    assert ("../Sleep/" in text) is relative
    elsewhere = tmp_path / "elsewhere.mp3"  # outside the folder and its parent: absolute
    assert (elsewhere.as_uri() if fmt == "xspf" else str(elsewhere)) in text


def test_exports_keep_stream_and_web_urls() -> None:
    entries = [
        PlaylistEntry("http://ice.example.org:8000/;stream.mp3", "Radio", None),
        PlaylistEntry("https://www.youtube.com/watch?v=abc&list=PL1", "Video", 600_000),
        PlaylistEntry("https://cdn.example.org/hls/master.m3u8", "HLS", None),
    ]
    for fmt in FORMATS:
        text = write_playlist(entries, fmt, playlist_path=Path("/tmp/x"), relative=True).decode()
        for entry in entries:
            expected = entry.uri.replace("&", "&amp;") if fmt == "xspf" else entry.uri
            assert expected in text
        assert read_playlist(text.encode(), fmt=fmt).entries == entries


def test_m3u_written_form() -> None:
    entries = [
        PlaylistEntry("file:///home/sam/Music/Rain.mp3", "Rain, heavy", 2_712_000),
        PlaylistEntry("file:///C:/Music/Ocean%20Waves.m4a", "", 1_500),
        PlaylistEntry("https://example.org/live", "Live", None),
    ]
    text = write_playlist(entries, "m3u8", name="Night").decode()
    assert text == (
        "#EXTM3U\n#PLAYLIST:Night\n"
        "#EXTINF:2712,Rain, heavy\n/home/sam/Music/Rain.mp3\n"
        "#EXTINF:1.5,\nC:\\Music\\Ocean Waves.m4a\n"
        "#EXTINF:-1,Live\nhttps://example.org/live\n"
    )


def test_pls_written_form() -> None:
    entries = [PlaylistEntry("https://example.org/a.mp3", "A", 3_000)]
    assert write_playlist(entries, "pls").decode() == (
        "[playlist]\nFile1=https://example.org/a.mp3\nTitle1=A\nLength1=3\n"
        "NumberOfEntries=1\nVersion=2\n"
    )


def test_titles_and_paths_cannot_inject_lines() -> None:
    entries = [
        PlaylistEntry("file:///music/evil%0A%23EXTVLCOPT%3Asout%3Dx.mp3", "a\n#EXTVLCOPT:x", None),
        PlaylistEntry("http://example.org/a b\nfile2=smb://x", "t\r\nFile9=smb://h/x", None),
    ]
    for fmt in FORMATS:
        data = write_playlist(entries, fmt)
        result = read_playlist(data, fmt=fmt)
        assert result.refused == []
        assert [e.uri for e in result.entries] == [
            "file:///music/evil%0A%23EXTVLCOPT%3Asout%3Dx.mp3",
            "http://example.org/a%20b%0Afile2=smb://x",
        ]
        assert [e.title for e in result.entries] == ["a #EXTVLCOPT:x", "t File9=smb://h/x"]


def test_xspf_escaping() -> None:
    entries = [PlaylistEntry("https://e.org/?a=1&b=<2>", 'Rain & "Thunder" <live>\x01', 5)]
    data = write_playlist(entries, "xspf", name="A & B")
    assert b"&amp;b=&lt;2&gt;" in data
    result = read_playlist(data, fmt="xspf")
    assert result.entries == [
        PlaylistEntry("https://e.org/?a=1&b=<2>", 'Rain & "Thunder" <live>', 5)
    ]
    assert result.name == "A & B"


# --- relative paths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("m3u", "sub/Rain.mp3\n..\\Up\\Fire.flac\n./Ocean 100%.ogg\n/abs/x.mp3\n"),
        (
            "pls",
            "[playlist]\nFile1=sub/Rain.mp3\nFile2=..\\Up\\Fire.flac\n"
            "File3=./Ocean 100%.ogg\nFile4=/abs/x.mp3\n",
        ),
        (
            "xspf",
            "<playlist><trackList><track><location>sub/Rain.mp3</location></track>"
            "<track><location>../Up/Fire.flac</location></track>"
            "<track><location>./Ocean%20100%25.ogg</location></track>"
            "<track><location>/abs/x.mp3</location></track></trackList></playlist>",
        ),
    ],
)
def test_relative_paths_resolve_against_the_playlist_folder(fmt: str, text: str) -> None:
    result = read_text(text, fmt)
    assert uris(result) == [
        "file:///home/sam/Lists/sub/Rain.mp3",
        "file:///home/sam/Up/Fire.flac",
        "file:///home/sam/Lists/Ocean%20100%25.ogg",
        "file:///abs/x.mp3",
    ]


def test_relative_against_a_windows_playlist() -> None:
    result = read_text("Rain\\a.mp3\n", "m3u", base="file:///C:/Users/Anna/Lists/x.m3u")
    assert uris(result) == ["file:///C:/Users/Anna/Lists/Rain/a.mp3"]


def test_relative_without_a_base_is_refused() -> None:
    result = read_text("Rain.mp3\n/abs/Fire.mp3\n", "m3u", base=None)
    assert uris(result) == ["file:///abs/Fire.mp3"]
    assert result.refused == [
        "line 1: Rain.mp3 — a relative path, but the playlist's location is unknown"
    ]


def test_remote_playlist_relative_entries_are_web_addresses() -> None:
    text = "rain.mp3\n/top/fire.mp3\n../up/a b.ogg\n//cdn.example.org/x.mp3\nhttps://o.org/y\n"
    result = read_text(text, "m3u", base="https://example.org/lists/night.m3u", remote=True)
    assert uris(result) == [
        "https://example.org/lists/rain.mp3",
        "https://example.org/top/fire.mp3",
        "https://example.org/up/a%20b.ogg",
        "https://cdn.example.org/x.mp3",
        "https://o.org/y",
    ]
    assert result.refused == []


def test_file_uris_are_made_canonical() -> None:
    text = (
        "file://localhost/home/a%20b.mp3\nfile:/home/c d.mp3\nfile:///home/(x)%2C.mp3\n"
        "file:///C:\\Music\\x.mp3\n"
    )
    assert uris(read_text(text, "m3u")) == [
        "file:///home/a%20b.mp3",
        "file:///home/c%20d.mp3",
        "file:///home/%28x%29%2C.mp3",
        "file:///C:/Music/x.mp3",
    ]


# --- the URL policy ----------------------------------------------------------------------------

REFUSED = [
    ("smb://nas/music/rain.mp3", "smb: addresses are not allowed"),
    ("dshow://", "dshow: addresses are not allowed"),
    ("v4l2:///dev/video0", "v4l2: addresses are not allowed"),
    ("screen://", "screen: addresses are not allowed"),
    ("alsa://hw:0,0", "alsa: addresses are not allowed"),
    ("vlc://quit", "vlc: addresses are not allowed"),
    ("ftp://example.org/a.mp3", "ftp: addresses are not allowed"),
    ("data:audio/mp3;base64,AAAA", "data: addresses are not allowed"),
    ("javascript:alert(1)", "javascript: addresses are not allowed"),
    ("rtsp://cam.local/stream", "rtsp: addresses are not allowed"),
    ("SMB://nas/x.mp3", "smb: addresses are not allowed"),
    ("\\\\host\\share\\rain.mp3", "network paths are not allowed"),
    ("//host/share/rain.mp3", "network paths are not allowed"),
    ("\\\\.\\PhysicalDrive0", "Windows device paths are not allowed"),
    ("file://nas/share/rain.mp3", "network paths are not allowed"),
    ("file:////nas/share/rain.mp3", "network paths are not allowed"),
    ("file:///%2F%2Fnas/share/x.mp3", "network paths are not allowed"),
    ("http:///no-host.mp3", "the address has no host"),
    ("http://[::1/x.mp3", "not a valid address"),
]


def _wrap(fmt: str, location: str) -> str:
    if fmt in ("m3u", "m3u8"):
        return f"#EXTM3U\n#EXTINF:10,Title\n{location}\nok.mp3\n"
    if fmt == "pls":
        return f"[playlist]\nFile1={location}\nTitle1=Title\nFile2=ok.mp3\nNumberOfEntries=2\n"
    escaped = location.replace("&", "&amp;").replace("<", "&lt;")
    return (
        f"<playlist><trackList><track><location>{escaped}</location></track>"
        "<track><location>ok.mp3</location></track></trackList></playlist>"
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("location", "reason"), REFUSED)
def test_refused_locations(fmt: str, location: str, reason: str) -> None:
    result = read_text(_wrap(fmt, location), fmt)
    assert uris(result) == ["file:///home/sam/Lists/ok.mp3"]
    assert len(result.refused) == 1
    assert result.refused[0].startswith(("line 1:", "line 2:", "line 3:"))
    assert result.refused[0].endswith(f" — {reason}")


@pytest.mark.parametrize(("location", "reason"), REFUSED)
def test_check_uri_refuses(location: str, reason: str) -> None:
    assert check_uri(location, remote=False) == reason
    assert check_uri(location, remote=True) is not None


@pytest.mark.parametrize(
    "uri",
    [
        "file:///home/a.mp3",
        "file://localhost/a.mp3",
        "http://example.org/a.mp3",
        "HTTPS://example.org:8443/live?x=1",
        "/home/a.mp3",
        "C:\\Music\\a.mp3",
        "relative/a.mp3",
    ],
)
def test_check_uri_allows_locally(uri: str) -> None:
    assert check_uri(uri, remote=False) is None


@pytest.mark.parametrize(
    "uri", ["file:///home/a.mp3", "/home/a.mp3", "C:\\Music\\a.mp3", "relative/a.mp3"]
)
def test_check_uri_refuses_local_files_from_the_web(uri: str) -> None:
    assert check_uri(uri, remote=True) == "local files are not allowed in a playlist from the web"
    assert check_uri("https://example.org/a.mp3", remote=True) is None


def test_allowed_schemes() -> None:
    assert ALLOWED_LOCAL == ("file", "http", "https")
    assert ALLOWED_REMOTE == ("http", "https")


@pytest.mark.parametrize("fmt", FORMATS)
def test_remote_playlist_refuses_local_files(fmt: str) -> None:
    for location in ("file:///etc/passwd", "C:\\Windows\\win.ini"):
        result = read_text(_wrap(fmt, location), fmt, base="https://e.org/l/x", remote=True)
        assert uris(result) == ["https://e.org/l/ok.mp3"]
        assert result.refused[0].endswith("local files are not allowed in a playlist from the web")


@pytest.mark.parametrize(
    "option",
    [
        "#EXTVLCOPT:network-caching=1000",
        "#EXTVLCOPT:sout=#file{dst=/tmp/x}",
        "#extvlcopt:input-slave=smb://x",
        "  #EXTVLCOPT:start-time=5  ",
        "#EXTVLCOPT",
    ],
)
@pytest.mark.parametrize("fmt", ["m3u", "m3u8"])
def test_extvlcopt_is_never_passed_on(option: str, fmt: str) -> None:
    result = read_text(f"#EXTM3U\n#EXTINF:5,A\n{option}\na.mp3\n{option}\n", fmt)
    assert result.entries == [PlaylistEntry("file:///home/sam/Lists/a.mp3", "A", 5_000)]
    assert result.refused == [
        "2 #EXTVLCOPT lines ignored (VLC options in playlists are never used)"
    ]


def test_one_extvlcopt_line_is_singular() -> None:
    result = read_text("#EXTVLCOPT:x=1\na.mp3\n", "m3u")
    assert result.refused == ["1 #EXTVLCOPT line ignored (VLC options in playlists are never used)"]


def test_blank_and_broken_entries_are_listed() -> None:
    m3u = read_text("#EXTM3U\n\n#EXTINF:1,A\n#EXTINF:2,B\nb.mp3\n#EXTINF:3,C\n", "m3u")
    assert uris(m3u) == ["file:///home/sam/Lists/b.mp3"]
    assert m3u.entries[0].title == "B"
    assert m3u.refused == [
        "line 3: #EXTINF without an entry after it",
        "line 6: #EXTINF without an entry after it",
    ]
    pls = read_text("[playlist]\nFile1=\nTitle2=x\nFile3=a.mp3\nFile3=b.mp3\n", "pls")
    assert uris(pls) == ["file:///home/sam/Lists/b.mp3"]
    assert pls.refused == [
        "line 4: a.mp3 — File3 is given again on line 5",
        "line 2: blank entry",
        "line 3: a title or length for entry 2, which has no File2",
    ]
    xspf = read_text(
        "<playlist><trackList><track><title>x</title></track>\n"
        "<track><location> </location></track></trackList></playlist>",
        "xspf",
    )
    assert xspf.entries == []
    assert xspf.refused == ["line 1: a track without a location", "line 2: blank entry"]


def test_control_characters_and_long_lines_are_refused() -> None:
    long = "a" * 9000 + ".mp3"
    result = read_text(f"a\x01b.mp3\n{long}\nok.mp3\n", "m3u")
    assert uris(result) == ["file:///home/sam/Lists/ok.mp3"]
    assert result.refused[0] == "line 1: a\ufffdb.mp3 — contains control characters"
    assert result.refused[1].startswith("line 2: aaaa")
    assert result.refused[1].endswith("… — line longer than 8,192 characters")


def test_a_run_of_unreadable_characters_is_shown_as_one() -> None:
    # A line of escape codes and control bytes: the message names it, not 100 "\ufffd".
    result = read_text("rain\x01\x02\x03\x1b\x1b\x1b\x1b.mp3\nok.mp3\n", "m3u")
    assert result.refused == ["line 1: rain\ufffd.mp3 — contains control characters"]


def test_many_refusals_are_summed_up() -> None:
    text = "".join(f"smb://h/{n}\n" for n in range(250))
    result = read_text(text, "m3u")
    assert len(result.refused) == 201
    assert result.refused[-1] == "… and 50 more entries refused"


# --- encodings ---------------------------------------------------------------------------------


def test_m3u_falls_back_to_windows_1252_and_m3u8_refuses_bad_lines() -> None:
    data = "Caf\u00e9 \u2013 Rain.mp3\n".encode("cp1252")
    assert (
        read_playlist(data, fmt="m3u", base=LISTS)
        .entries[0]
        .uri.endswith("/Caf%C3%A9%20%E2%80%93%20Rain.mp3")
    )
    result = read_playlist(data + b"ok.mp3\n", fmt="m3u8", base=LISTS)
    assert uris(result) == ["file:///home/sam/Lists/ok.mp3"]
    assert result.refused == ["line 1: Caf\ufffd \ufffd Rain.mp3 — not valid UTF-8 text"]


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
@pytest.mark.parametrize("fmt", ["m3u", "m3u8", "pls"])
def test_byte_order_marks(codec: str, fmt: str) -> None:
    text = "[playlist]\nFile1=\u96e8.mp3\n" if fmt == "pls" else "#EXTM3U\n\u96e8.mp3\n"
    result = read_playlist(text.encode(codec), fmt=fmt, base=LISTS)
    assert uris(result) == ["file:///home/sam/Lists/%E9%9B%A8.mp3"]


def test_xspf_in_utf16_and_latin1() -> None:
    body = "<playlist><title>Caf\u00e9</title><trackList/></playlist>"
    for codec in ("utf-16", "iso-8859-1"):
        data = f'<?xml version="1.0" encoding="{codec}"?>{body}'.encode(codec)
        assert read_playlist(data, fmt="xspf").name == "Caf\u00e9"


@pytest.mark.parametrize("fmt", ["m3u", "m3u8", "pls"])
def test_binary_data_is_not_a_playlist(fmt: str) -> None:
    with pytest.raises(PlaylistError, match="Not a playlist: the file holds binary data"):
        read_playlist(b"ID3\x03\x00\x00\x00garbage", fmt=fmt)
    # An audio file renamed: binary "lines" between stray newline bytes, a few without NULs.
    audio = bytes(range(256)) * 40 + b"\nrain.mp3\n"
    with pytest.raises(PlaylistError, match="binary data"):
        read_playlist(audio, fmt=fmt)


@pytest.mark.parametrize("fmt", ["m3u", "m3u8", "pls"])
def test_a_damaged_line_is_refused_and_the_rest_read(fmt: str) -> None:
    # A crash while another program wrote it: a block of zeros where a line was.
    if fmt == "pls":
        data = b"[playlist]\r\nFile1=a.mp3\r\n" + b"\x00" * 4096 + b"\r\nFile3=c.mp3\r\n"
    else:
        data = b"#EXTM3U\r\na.mp3\r\n" + b"\x00" * 4096 + b"\r\nc.mp3\r\n"
    result = read_playlist(data, fmt=fmt, base=LISTS)
    assert uris(result) == ["file:///home/sam/Lists/a.mp3", "file:///home/sam/Lists/c.mp3"]
    assert result.refused == ["line 3: binary data, not text (a damaged line)"]
    # One good entry and a damaged tail: the entry is kept.
    tail = (b"File1=" if fmt == "pls" else b"") + b"a.mp3\n" + b"\x00" * 512 + b"\n"
    assert uris(read_playlist(tail, fmt=fmt, base=LISTS)) == ["file:///home/sam/Lists/a.mp3"]


def test_the_title_of_a_damaged_entry_is_not_given_to_the_next() -> None:
    data = b"#EXTM3U\n#EXTINF:600,Rain\n" + b"\x00" * 64 + b"\nfan.mp3\n"
    result = read_playlist(data, fmt="m3u", base=LISTS)
    assert [(e.title, e.duration_ms) for e in result.entries] == [("", None)]


# --- formats and detection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("night.M3U", b"", "m3u"),
        ("C:\\Lists\\night.m3u8", b"", "m3u8"),
        ("https://radio.example.org/listen.pls?sid=1", b"", "pls"),
        ("/x/list.xspf", b"", "xspf"),
        ("download", b"\xef\xbb\xbf  #EXTM3U\n", "m3u"),
        ("listen.php", b"\n[Playlist]\nFile1=x\n", "pls"),
        ("", b'<?xml version="1.0"?>\n<!-- VLC -->\n<playlist version="1">', "xspf"),
        ("x", "[playlist]".encode("utf-16"), "pls"),
    ],
)
def test_detect_format(name: str, data: bytes, fmt: str) -> None:
    assert detect_format(name, data) == fmt


@pytest.mark.parametrize(("name", "data"), [("a.txt", b"hello"), ("", b""), ("x.mp3", b"ID3")])
def test_detect_format_refuses_the_unknown(name: str, data: bytes) -> None:
    with pytest.raises(PlaylistError, match=r"^Not a playlist: "):
        detect_format(name, data)
    with pytest.raises(PlaylistError, match=r"^Not a playlist: "):
        read_playlist(data, name=name)


def test_unknown_format_names() -> None:
    with pytest.raises(PlaylistError, match="Unknown playlist format"):
        read_playlist(b"", fmt="asx")
    with pytest.raises(PlaylistError, match="Unknown playlist format"):
        write_playlist([], "wpl")
    assert read_playlist(b"a.mp3", fmt=".M3U", base=LISTS).entries


def test_hls_is_a_stream_not_a_playlist() -> None:
    hls = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nseg1.ts\n"
    with pytest.raises(PlaylistError, match="HLS stream"):
        read_text(hls, "m3u8")


def test_extinf_durations_and_attributes() -> None:
    text = (
        '#EXTINF:-1 tvg-id="x" tvg-name="Rain, soft" group-title="A,B",Rain Radio\nhttp://r.org/a\n'
        "#EXTINF:0,Zero\nb.mp3\n#EXTINF:12.25,Decimal\nc.mp3\n#EXTINF:abc,Junk\nd.mp3\n"
        '#EXTINF:7 tvg-name="unbalanced,Title\ne.mp3\n#EXTINF:99999999999999999,Huge\nf.mp3\n'
    )
    result = read_text(text, "m3u")
    assert [(e.title, e.duration_ms) for e in result.entries] == [
        ("Rain Radio", None),
        ("Zero", None),
        ("Decimal", 12_250),
        ("Junk", None),
        ("Title", 7_000),
        ("Huge", None),
    ]


def test_pls_needs_a_header_or_files() -> None:
    with pytest.raises(PlaylistError, match="no \\[playlist\\] section"):
        read_text("hello=world\n", "pls")
    assert uris(read_text("FILE1=http://e.org/a.mp3\n", "pls")) == ["http://e.org/a.mp3"]
    assert read_text("[playlist]\nNumberOfEntries=0\n", "pls").entries == []


def test_a_pls_file_key_without_its_number_is_named_not_dropped() -> None:
    # The trial: "FileX=sub/tone.flac" and "File=garbage" vanished without a word.
    result = read_text(
        "[playlist]\nFile1=a.ogg\nFileX=sub/tone.flac\nFile=garbage\nNumberOfEntries=3\n", "pls"
    )
    assert len(result.entries) == 1
    assert len(result.refused) == 2
    assert all("a File key needs its number" in r for r in result.refused)
    assert "FileX=sub/tone.flac" in result.refused[0]


def test_xspf_structure_problems() -> None:
    with pytest.raises(PlaylistError, match="Not a playlist: the XML document is <html>"):
        read_text("<html><body/></html>", "xspf")
    with pytest.raises(PlaylistError, match="broken XML"):
        read_text("<playlist><trackList>", "xspf")
    with pytest.raises(PlaylistError, match="broken XML"):
        read_text("<playlist>&nbsp;</playlist>", "xspf")
    nested = read_text(
        "<x:playlist xmlns:x='http://xspf.org/ns/0/'><x:trackList><x:track>"
        "<x:location>a<b>c</b>.mp3</x:location><x:duration>-5</x:duration>"
        "<x:location>second.mp3</x:location></x:track></x:trackList></x:playlist>",
        "xspf",
    )
    assert nested.entries == [PlaylistEntry("file:///home/sam/Lists/ac.mp3", "", None)]


def test_a_damaged_xspf_keeps_the_tracks_before_the_damage() -> None:
    # The trial: one bad byte late in a long XSPF refused the whole list; a damaged M3U keeps
    # what comes before the damage, and so does XSPF now, naming where it was cut.
    head = "<playlist><trackList>" + "".join(
        f"<track><location>{n}.ogg</location><title>T{n}</title></track>" for n in (1, 2)
    )
    cut_in_a_track = read_text(head + "<track><location>3.ogg</location><ti", "xspf")
    assert uris(cut_in_a_track) == [f"file:///home/sam/Lists/{n}.ogg" for n in (1, 2, 3)]
    assert [e.title for e in cut_in_a_track.entries] == ["T1", "T2", ""]
    assert len(cut_in_a_track.refused) == 1
    assert "broken XML" in cut_in_a_track.refused[0]
    assert "the rest was not read" in cut_in_a_track.refused[0]
    junk = read_text(head + "<track><location>4.ogg</loc\x01ation></track>", "xspf")
    assert len(junk.entries) == 2
    assert junk.refused[0].startswith("line 1: broken XML (")
    # A location cut short is not guessed at.
    assert len(read_text(head + "<track><location>5.o", "xspf").entries) == 2
    # Named first: a message lists only the first refusals (the review: 12 refused smb:
    # entries before the damage pushed it into "and 3 more").
    refusals = "".join(f"<track><location>smb://nas/{n}.ogg</location></track>" for n in range(12))
    many = read_text(head + refusals + "<track><loc", "xspf")
    assert len(many.entries) == 2 and len(many.refused) == 13
    assert "broken XML" in many.refused[0]


# --- hostile input -----------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<playlist><title>&lol9;</title></playlist>"
)
HOSTILE_XML = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<playlist><title>&x;</title></playlist>",
    "external dtd": '<!DOCTYPE playlist SYSTEM "http://127.0.0.1:9/evil.dtd"><playlist/>',
    "parameter entity": '<!DOCTYPE p [<!ENTITY % x SYSTEM "http://127.0.0.1:9/x"> %x;]><playlist/>',
    "deeply nested": "<playlist>" + "<a>" * 100_000 + "</a>" * 100_000 + "</playlist>",
    "nested just too deep": "<playlist>" + "<a>" * 64 + "</a>" * 64 + "</playlist>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_XML))
def test_hostile_xml_is_refused_quickly(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(PlaylistError, match=r"^Not a playlist: "):
        read_playlist(HOSTILE_XML[name].encode(), fmt="xspf")
    assert time.perf_counter() - started < 1.0


def test_nesting_up_to_the_limit_is_fine() -> None:
    text = "<playlist>" + "<a>" * 63 + "</a>" * 63 + "</playlist>"
    assert read_playlist(text.encode(), fmt="xspf").entries == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_huge_input_is_refused_before_parsing(fmt: str) -> None:
    data = b"#" * (MAX_PLAYLIST_BYTES + 1)
    started = time.perf_counter()
    with pytest.raises(PlaylistError, match=r"^The playlist is larger than 8 MB"):
        read_playlist(data, fmt=fmt)
    assert time.perf_counter() - started < 0.5


def test_entries_beyond_the_limit_are_counted() -> None:
    text = "#EXTM3U\n" + "".join(f"{n}.mp3\n" for n in range(MAX_ENTRIES + 5))
    started = time.perf_counter()
    result = read_text(text, "m3u8")
    assert time.perf_counter() - started < 10
    assert len(result.entries) == MAX_ENTRIES
    assert result.entries[-1].uri == f"file:///home/sam/Lists/{MAX_ENTRIES - 1}.mp3"
    assert result.refused == ["5 more entries not loaded: a playlist holds at most 100,000"]


# --- kinds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "duration_ms", "kind"),
    [
        ("file:///home/a.mp3", None, TrackKind.LOCAL),
        ("file:///C:/a.mp3", 5_000, TrackKind.LOCAL),
        ("https://cdn.example.org/rain.mp3", 5_000, TrackKind.STREAM),
        ("https://cdn.example.org/rain.OPUS", None, TrackKind.STREAM),
        ("https://cdn.example.org/video.mkv?sig=1", None, TrackKind.STREAM),
        ("https://cdn.example.org/live/master.m3u8", None, TrackKind.STREAM),
        ("http://ice.example.org:8000/rain.mp3", None, TrackKind.RADIO),
        ("http://ice.example.org:8000/rain.mp3", 60_000, TrackKind.STREAM),
        ("http://198.51.100.7/;stream.mp3", None, TrackKind.RADIO),
        ("http://198.51.100.7:9000/;", None, TrackKind.RADIO),
        ("https://ice1.somafm.com/dronezone-128-mp3", None, TrackKind.RADIO),
        ("https://radio.example.org/listen.pls", None, TrackKind.RADIO),
        ("https://www.youtube.com/watch?v=abc", None, TrackKind.WEB),
        ("https://youtu.be/abc", 600_000, TrackKind.WEB),
        ("https://example.org/asmr/rain", 600_000, TrackKind.WEB),
        ("https://example.org/page.html", None, TrackKind.WEB),
        ("https://example.org/", None, TrackKind.WEB),
        ("https://example.org/file.xyz", None, TrackKind.WEB),
    ],
)
def test_track_kinds(uri: str, duration_ms: int | None, kind: TrackKind) -> None:
    track = track_for_entry(PlaylistEntry(uri, "T", duration_ms))
    assert track.kind is kind
    assert (track.uri, track.title) == (uri, "T")
    assert track.duration_ms == (None if kind is TrackKind.RADIO else duration_ms)


def test_entries_from_tracks_keep_tag_titles_only() -> None:
    tracks = [
        Track(uri="file:///a/Rain.mp3", duration_ms=5),
        Track(uri="https://e.org/x", title="X"),
    ]
    assert entries_from_tracks(tracks) == [
        PlaylistEntry("file:///a/Rain.mp3", "", 5),
        PlaylistEntry("https://e.org/x", "X", None),
    ]


def test_an_xspf_creator_is_the_tracks_artist() -> None:
    data = (
        b'<playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList><track>'
        b"<location>https://cdn.example/rain.ogg</location><title>Rain</title>"
        b"<creator>Night\nSounds</creator></track></trackList></playlist>"
    )
    result = read_playlist(data, name="n.xspf", base="file:///lists/n.xspf")
    assert [e.artist for e in result.entries] == ["Night Sounds"]
    assert track_for_entry(result.entries[0]).artist == "Night Sounds"
