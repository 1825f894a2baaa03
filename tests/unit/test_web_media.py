"""yt-dlp results are untrusted: what ``core.web_media`` keeps of them, and the expiring cache."""

from __future__ import annotations

from typing import Any

import pytest

from sleepplayer.core.media_cache import ExpiringCache
from sleepplayer.core.web_media import (
    DEFAULT_LIFETIME_S,
    EXPIRY_MARGIN_S,
    NO_AUDIO,
    SERVER_NOT_FOUND,
    PlaylistItem,
    ResolvedMedia,
    clean_headers,
    clean_title,
    duration_ms,
    first_media,
    friendly_error,
    playlist_item,
    resolved_media,
    single_item,
    stream_expiry,
    web_url,
)

NOW = 1_800_000_000.0
PAGE = "https://example.org/watch?v=1"


def media(expires_at: float, page: str = PAGE) -> ResolvedMedia:
    return ResolvedMedia(page, "https://cdn.example.org/a.ogg", "A", None, False, expires_at, {})


# --- URLs, text, headers


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "smb://host/share",
        "javascript:alert(1)",
        "http://",
        "https://exa mple.org/",
        "https://example.org/\nx",
        "//example.org/a",
        "",
        None,
        42,
        "https://" + "a" * 20_000,
    ],
)
def test_web_url_refuses(url: object) -> None:
    assert web_url(url) is None


def test_web_url_accepts_http_and_https() -> None:
    assert web_url("HTTPS://Example.org/a?b=c") == "HTTPS://Example.org/a?b=c"
    assert web_url("http://127.0.0.1:8000/x.ogg") == "http://127.0.0.1:8000/x.ogg"


def test_titles_are_one_clean_capped_line() -> None:
    assert clean_title("  Rain\n\ton\x00 a roof ", "x") == "Rain on a roof"
    # A right-to-left override would run the rest of the line backwards: gone.
    assert clean_title("Rain \u202eroof\u202c on a", "x") == "Rain roof on a"
    assert clean_title("", "fallback") == "fallback"
    assert clean_title(None, "fallback") == "fallback"
    long = clean_title("z" * 1000, "x")
    assert len(long) == 300 and long.endswith("…")


def test_durations() -> None:
    assert duration_ms(61.5) == 61_500
    assert duration_ms(3) == 3000
    for bad in (None, -1, float("nan"), float("inf"), True, "60", 10**9):
        assert duration_ms(bad) is None


def test_headers_keep_well_formed_single_lines() -> None:
    headers = clean_headers(
        {
            "User-Agent": "Mozilla/5.0",
            "Referer": "https://example.org/",
            "X-Evil": "a\r\nInjected: 1",
            "Bad Name": "x",
            ":authority": "x",
            "Cookie-Jar": 3,
            "Long": "x" * 5000,
        }
    )
    assert headers == {"User-Agent": "Mozilla/5.0", "Referer": "https://example.org/"}
    assert clean_headers(None) == {}
    assert len(clean_headers({f"H{i}": "v" for i in range(100)})) == 16


# --- expiry


def test_expire_query_parameter() -> None:
    url = f"https://r1.example.com/videoplayback?expire={int(NOW) + 21_600}&ei=x"
    assert stream_expiry(url, NOW) == NOW + 21_600


def test_expire_path_segment() -> None:
    url = f"https://manifest.example.com/api/manifest/hls/expire/{int(NOW) + 600}/ei/x/file.m3u8"
    assert stream_expiry(url, NOW) == NOW + 600


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.org/a.ogg",
        "https://cdn.example.org/a.ogg?expire=soon",
        f"https://cdn.example.org/a.ogg?expire={int(NOW) - 10}",  # already past: not believed
        f"https://cdn.example.org/a.ogg?expire={int(NOW) + 400 * 86400}",  # a year away
        "https://cdn.example.org/a.ogg?expire=1e400",
    ],
)
def test_no_believable_expire_means_one_hour(url: str) -> None:
    assert stream_expiry(url, NOW) == NOW + DEFAULT_LIFETIME_S


def test_expired_has_a_safety_margin() -> None:
    item = media(NOW + 1000)
    assert not item.expired(NOW)
    assert not item.expired(NOW + 1000 - EXPIRY_MARGIN_S - 1)
    assert item.expired(NOW + 1000 - EXPIRY_MARGIN_S)
    assert EXPIRY_MARGIN_S == 300


# --- info dicts


def test_resolved_media_from_a_video() -> None:
    info: dict[str, Any] = {
        "title": "Soft rain",
        "url": "https://cdn.example.org/a.webm?expire=1800003600",
        "duration": 3600.2,
        "is_live": False,
        "http_headers": {"User-Agent": "UA", "Referer": PAGE},
    }
    got = resolved_media(info, PAGE, NOW)
    assert got == ResolvedMedia(
        PAGE,
        "https://cdn.example.org/a.webm?expire=1800003600",
        "Soft rain",
        3_600_200,
        False,
        1_800_003_600.0,
        {"User-Agent": "UA", "Referer": PAGE},
    )


def test_a_live_stream_has_no_duration() -> None:
    info = {"url": "https://x.example/live.m3u8", "live_status": "is_live", "duration": 5}
    got = resolved_media(info, PAGE, NOW)
    assert got.is_live and got.duration_ms is None
    assert got.title == "watch"  # from the page URL when the site gives none


def test_html5_single_medium_loses_its_number() -> None:
    info = {"url": "https://x.example/a.ogg", "title": "Rain (1)", "extractor": "html5"}
    assert resolved_media(info, PAGE, NOW).title == "Rain"
    assert single_item(info, PAGE).title == "Rain"


@pytest.mark.parametrize(
    "info",
    [
        {"title": "no url"},
        {"url": "file:///etc/passwd"},
        {"url": "rtmp://x.example/live"},
        {"_type": "playlist", "entries": []},
        {"_type": "playlist", "entries": [{"_type": "url", "url": "https://x.example/p"}]},
    ],
)
def test_nothing_playable_is_no_audio(info: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=NO_AUDIO):
        resolved_media(info, PAGE, NOW)


def test_first_media_of_a_nested_playlist() -> None:
    inner = {"url": "https://x.example/b.ogg", "title": "B"}
    info = {
        "_type": "playlist",
        "entries": [
            "junk",
            {"url": "file:///x"},
            {"_type": "playlist", "entries": [inner]},
        ],
    }
    assert first_media(info) is inner


def test_playlist_items() -> None:
    container = "https://example.org/feed.xml"
    url_result = {
        "_type": "url_transparent",
        "url": 'https://x.example/a.mp3#__youtubedl_smuggle={"force_videoid": "1"}',
        "title": "A",
        "duration": 60,
    }
    assert playlist_item(url_result, container) == PlaylistItem(
        "https://x.example/a.mp3", "A", 60_000
    )
    own_page = {"webpage_url": "https://x.example/v/2", "url": "https://cdn/2", "title": "B"}
    assert playlist_item(own_page, container) == PlaylistItem("https://x.example/v/2", "B", None)
    shared_page = {"webpage_url": container, "url": "https://x.example/c.ogg", "title": "C"}
    assert playlist_item(shared_page, container) == PlaylistItem(
        "https://x.example/c.ogg", "C", None
    )
    assert playlist_item({"_type": "url", "url": "ftp://x.example/a"}, container) is None
    untitled = playlist_item({"_type": "url", "url": "https://x.example/a%20b.ogg"}, container)
    assert untitled is not None and untitled.title == "a b.ogg"


# --- error messages


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ERROR: Unsupported URL: https://example.org/", NO_AUDIO),
        ("ERROR: [youtube] abc: Requested format is not available. Use --list-formats", NO_AUDIO),
        (
            "ERROR: [generic] page: Unable to download webpage: HTTP Error 404: Not Found "
            "(caused by <HTTPError 404: Not Found>)",
            "Unable to download webpage: HTTP Error 404: Not Found",
        ),
        (
            "\x1b[0;31mERROR:\x1b[0m [youtube] dQw4w9WgXcQ: Video unavailable. This video is "
            "private",
            "Video unavailable. This video is private",
        ),
        (
            "ERROR: [vimeo] 1: Unable to extract x; please report this issue on  "
            "https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the template",
            "Unable to extract x",
        ),
        ("ERROR: ", "The page could not be resolved"),
        (  # no internet: said as the link check says it, not as the resolver's errno
            "ERROR: [youtube] dQw4w9WgXcQ: Unable to download API page: [Errno -2] Name or "
            "service not known (caused by TransportError(...))",
            SERVER_NOT_FOUND,
        ),
    ],
)
def test_friendly_errors(raw: str, expected: str) -> None:
    assert friendly_error(raw) == expected


def test_friendly_errors_are_capped() -> None:
    text = friendly_error("ERROR: " + "word " * 100)
    assert len(text) == 160 and text.endswith("…")


# --- cache


def test_cache_returns_unexpired_and_drops_expired() -> None:
    cache: ExpiringCache[ResolvedMedia] = ExpiringCache()
    item = media(NOW + 3600)
    cache.put(PAGE, item)
    assert cache.get(PAGE, NOW) is item
    assert cache.get(PAGE, NOW + 3600 - EXPIRY_MARGIN_S) is None
    assert len(cache) == 0
    assert cache.get("https://other.example/", NOW) is None


def test_cache_is_bounded_least_recently_used_first() -> None:
    cache: ExpiringCache[ResolvedMedia] = ExpiringCache(max_entries=2)
    a, b, c = (media(NOW + 3600, f"https://x.example/{n}") for n in "abc")
    cache.put(a.page_url, a)
    cache.put(b.page_url, b)
    assert cache.get(a.page_url, NOW) is a  # a is now the most recent
    cache.put(c.page_url, c)
    assert cache.get(b.page_url, NOW) is None
    assert cache.get(a.page_url, NOW) is a
    cache.discard(a.page_url)
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(ValueError):
        ExpiringCache(max_entries=0)
