"""The resolver against real yt-dlp and a web server on 127.0.0.1 (no internet).

The server serves a temporary directory: a page with ``<audio>`` and og:title, a page with only
a link, a page with several media tags, an RSS feed with enclosures, a WAV tone. Paths under
``/slow/`` wait in the server's handler thread until the test releases them (or 10 s), which is
how the timeout and cancel are driven without any sleep in the tests.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.web_media import DEFAULT_LIFETIME_S, NO_AUDIO
from sleepplayer.playback import resolver as resolver_module
from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.resolver import PlaylistItem, ResolvedMedia, Resolver
from sleepplayer.playback.vlc_backend import VlcBackend
from tests.helpers.audio import make_tone
from tests.helpers.http_servers import QuietHTTPServer

pytestmark = pytest.mark.integration

WAIT_MS = 15_000
SLOW_HOLD_S = 10.0

PAGE = """<html><head><meta property="og:title" content="Rain on a tin roof">
<title>ignored</title></head><body><audio src="{src}" type="audio/wav"></audio></body></html>"""
LINKS = '<html><head><title>Links</title></head><body><a href="tone.wav">tone</a></body></html>'
MULTI = """<html><head><meta property="og:title" content="Three rooms"></head><body>
<audio src="a.wav"></audio><audio src="b.wav"></audio><video src="c.wav"></video></body></html>"""
REFRESH = """<html><head><meta http-equiv="refresh" content="0; url={target}">
<title>Moved</title></head><body></body></html>"""
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Sleep feed</title><link>{base}</link><description>d</description>
{items}</channel></rss>"""
FEED_ITEM = """<item><title>Night {n}</title><guid>night-{n}</guid>
<itunes:duration>{n}:00</itunes:duration>
<enclosure url="{base}night{n}.wav" type="audio/wav" length="1"/></item>"""


class Site:
    """The loopback server: its base URL, per-path hit counts and the gate for /slow/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hits: Counter[str] = Counter()
        self.release = threading.Event()
        self.answered_slow = threading.Event()
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site.hits[path] += 1
                if path.startswith("/slow/"):
                    site.release.wait(SLOW_HOLD_S)  # in the server's thread, not the test's
                    self.path = self.path.replace("/slow/", "/", 1)
                super().do_GET()
                if path.startswith("/slow/"):
                    site.answered_slow.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = QuietHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def write(self, name: str, text: str) -> str:
        (self.root / name).write_text(text, encoding="utf-8")
        return self.base + name

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "www"
    root.mkdir()
    tone = make_tone(root / "tone.wav", 2.0, 440, 0.3)
    for name in ("a", "b", "c", "night1", "night2", "night3"):
        (root / f"{name}.wav").write_bytes(tone.read_bytes())
    server = Site(root)
    server.write("page.html", PAGE.format(src="tone.wav"))
    server.write("links.html", LINKS)
    server.write("multi.html", MULTI)
    items = "".join(FEED_ITEM.format(n=n, base=server.base) for n in (1, 2, 3))
    server.write("feed.xml", FEED.format(base=server.base, items=items))
    yield server
    server.stop()


@pytest.fixture
def resolver() -> Iterator[Resolver]:
    res = Resolver()
    yield res
    res.shutdown()


class Spy:
    """Every signal of a resolver, in order, as (name, request id, payload...)."""

    def __init__(self, res: Resolver) -> None:
        self.events: list[tuple[Any, ...]] = []
        res.resolved.connect(lambda rid, media: self.events.append(("resolved", rid, media)))
        res.expanded.connect(lambda rid, items: self.events.append(("expanded", rid, items)))
        res.progress.connect(lambda rid, d, t: self.events.append(("progress", rid, d, t)))
        res.failed.connect(lambda rid, msg: self.events.append(("failed", rid, msg)))

    def of(self, rid: int) -> list[tuple[Any, ...]]:
        return [e for e in self.events if e[1] == rid]


def _resolve(qtbot: QtBot, res: Resolver, url: str, *, force: bool = False) -> ResolvedMedia:
    with qtbot.waitSignal(res.resolved, timeout=WAIT_MS) as blocker:
        res.resolve(url, force=force)
    media = blocker.args[1]
    assert isinstance(media, ResolvedMedia)
    return media


def _failure(qtbot: QtBot, res: Resolver, url: str) -> str:
    with qtbot.waitSignal(res.failed, timeout=WAIT_MS) as blocker:
        res.resolve(url)
    return str(blocker.args[1])


def _drain_workers() -> None:
    """Let every resolver worker thread finish, then deliver whatever it queued."""
    for thread in threading.enumerate():
        if thread.name.startswith("resolver-"):
            thread.join(SLOW_HOLD_S + 5)
    QCoreApplication.processEvents()


# --- resolving


def test_resolves_an_audio_page_and_plays_the_result(
    qtbot: QtBot, site: Site, resolver: Resolver
) -> None:
    page = site.base + "page.html"
    before = time.time()
    media = _resolve(qtbot, resolver, page)
    assert media.page_url == page
    assert media.stream_url == site.base + "tone.wav"
    assert media.title == "Rain on a tin roof"
    assert media.is_live is False
    assert "User-Agent" in media.http_headers
    assert media.http_headers.get("Referer") == page
    assert before + DEFAULT_LIFETIME_S <= media.expires_at <= time.time() + DEFAULT_LIFETIME_S
    assert not media.expired(time.time())

    backend = VlcBackend(aout="adummy")
    try:
        with qtbot.waitSignal(
            backend.state_changed,
            timeout=WAIT_MS,
            check_params_cb=lambda state: state == PlayerState.PLAYING,
        ):
            backend.load(media.stream_url)
            backend.play()
        assert site.hits["/tone.wav"] >= 1
    finally:
        backend.release()


def test_a_page_with_only_links_has_no_playable_audio(
    qtbot: QtBot, site: Site, resolver: Resolver
) -> None:
    assert _failure(qtbot, resolver, site.base + "links.html") == NO_AUDIO


def test_site_errors_are_short(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    message = _failure(qtbot, resolver, site.base + "missing.html")
    assert message == "Unable to download webpage: HTTP Error 404: File not found"


def test_non_web_urls_are_refused_without_yt_dlp(qtbot: QtBot, resolver: Resolver) -> None:
    message = _failure(qtbot, resolver, "file:///etc/passwd")
    assert message == resolver_module.NOT_WEB
    assert resolver.extractions_started == 0


def test_a_direct_media_url_passes_through(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    url = site.base + "tone.wav"
    media = _resolve(qtbot, resolver, url)
    assert media.stream_url == url
    assert media.page_url == url


def test_expire_parameter_sets_the_expiry(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    expire = int(time.time()) + 7200
    page = site.write("signed.html", PAGE.format(src=f"tone.wav?expire={expire}&sig=x"))
    media = _resolve(qtbot, resolver, page)
    assert media.stream_url == f"{site.base}tone.wav?expire={expire}&sig=x"
    assert media.expires_at == expire
    assert not media.expired(expire - 301)
    assert media.expired(expire - 299)  # the safety margin


def test_a_page_with_several_media_resolves_to_the_first(
    qtbot: QtBot, site: Site, resolver: Resolver
) -> None:
    media = _resolve(qtbot, resolver, site.base + "multi.html")
    assert media.stream_url == site.base + "a.wav"
    # playlist_items=1: only the first entry was extracted, the others were never fetched.
    assert site.hits["/b.wav"] == 0


# --- cache


def test_a_cache_hit_answers_later_without_a_new_extraction(
    qtbot: QtBot, site: Site, resolver: Resolver
) -> None:
    page = site.base + "page.html"
    first = _resolve(qtbot, resolver, page)
    assert resolver.cached(page) == first
    spy = Spy(resolver)
    with qtbot.waitSignal(resolver.resolved, timeout=WAIT_MS) as blocker:
        rid = resolver.resolve(page)
        assert spy.events == []  # asynchronous even from the cache: one code path for callers
    assert blocker.args == [rid, first]
    assert site.hits["/page.html"] == 1
    assert resolver.extractions_started == 1


def test_force_re_resolves(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    page = site.base + "page.html"
    _resolve(qtbot, resolver, page)
    again = _resolve(qtbot, resolver, page, force=True)
    assert site.hits["/page.html"] == 2
    assert resolver.cached(page) == again


def test_an_expired_entry_is_resolved_again(qtbot: QtBot, site: Site) -> None:
    now = [time.time()]
    res = Resolver(clock=lambda: now[0])
    try:
        page = site.base + "page.html"
        _resolve(qtbot, res, page)
        now[0] += DEFAULT_LIFETIME_S - 200  # inside the 5-minute margin
        assert res.cached(page) is None
        _resolve(qtbot, res, page)
        assert site.hits["/page.html"] == 2
    finally:
        res.shutdown()


def test_requests_for_a_page_in_flight_share_one_extraction(
    qtbot: QtBot, site: Site, resolver: Resolver
) -> None:
    page = site.base + "slow/page.html"
    spy = Spy(resolver)
    first = resolver.resolve(page)
    second = resolver.resolve(page)
    site.release.set()
    qtbot.waitUntil(lambda: len(spy.events) == 2, timeout=WAIT_MS)
    assert [e[:2] for e in spy.events] == [("resolved", first), ("resolved", second)]
    assert site.hits["/slow/page.html"] == 1


# --- timeout and cancel


def test_timeout_fails_and_drops_the_late_result(qtbot: QtBot, site: Site) -> None:
    res = Resolver(timeout_s=0.3)
    spy = Spy(res)
    try:
        with qtbot.waitSignal(res.failed, timeout=WAIT_MS) as blocker:
            rid = res.resolve(site.base + "slow/page.html")
        assert blocker.args == [rid, "Timed out after 0.3 s"]
        site.release.set()  # the server answers now, after the timeout
        assert site.answered_slow.wait(WAIT_MS / 1000)
        _drain_workers()
        assert spy.of(rid) == [("failed", rid, "Timed out after 0.3 s")]
        assert res.cached(site.base + "slow/page.html") is None
    finally:
        res.shutdown()


def test_the_default_timeout_is_30_s() -> None:
    assert resolver_module.TIMEOUT_S == 30
    assert Resolver()._timeout_s == 30


def test_cancel_silences_the_request(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    spy = Spy(resolver)
    slow = resolver.resolve(site.base + "slow/page.html")
    slow_expand = resolver.expand(site.base + "slow/feed.xml")
    resolver.cancel(slow)
    resolver.cancel(slow_expand)
    other = resolver.resolve(site.base + "page.html")  # the resolver keeps working
    qtbot.waitUntil(lambda: bool(spy.of(other)), timeout=WAIT_MS)
    site.release.set()
    _drain_workers()
    assert spy.of(slow) == []
    assert spy.of(slow_expand) == []
    assert [e[0] for e in spy.of(other)] == ["resolved"]


def test_cancel_of_a_cache_hit_silences_it(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    page = site.base + "page.html"
    _resolve(qtbot, resolver, page)
    spy = Spy(resolver)
    rid = resolver.resolve(page)
    resolver.cancel(rid)
    with qtbot.waitSignal(resolver.resolved, timeout=WAIT_MS):
        later = resolver.resolve(page)  # queued after the cancelled answer would have been
    assert spy.events == [("resolved", later, resolver.cached(page))]


def test_shutdown_does_not_wait_for_a_stuck_extraction(site: Site) -> None:
    res = Resolver()
    spy = Spy(res)
    res.resolve(site.base + "slow/page.html")
    started = time.monotonic()
    res.shutdown()
    assert time.monotonic() - started < 0.5
    site.release.set()
    _drain_workers()
    assert spy.events == []


# --- expanding


def test_a_feed_expands_with_progress(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    spy = Spy(resolver)
    with qtbot.waitSignal(resolver.expanded, timeout=WAIT_MS) as blocker:
        rid = resolver.expand(site.base + "feed.xml")
    assert blocker.args[0] == rid
    assert blocker.args[1] == [
        PlaylistItem(f"{site.base}night{n}.wav", f"Night {n}", n * 60_000) for n in (1, 2, 3)
    ]
    progress = [e[2:] for e in spy.of(rid) if e[0] == "progress"]
    assert progress[0] == (1, 3)
    assert progress[-1] == (3, 3)
    assert [e[0] for e in spy.of(rid)][-1] == "expanded"
    assert site.hits["/night1.wav"] == 0  # flat: entries are listed, not resolved


def test_expand_follows_a_redirect_to_the_playlist(
    qtbot: QtBot, site: Site, resolver: Resolver
) -> None:
    page = site.write("moved.html", REFRESH.format(target="feed.xml"))
    with qtbot.waitSignal(resolver.expanded, timeout=WAIT_MS) as blocker:
        resolver.expand(page)
    assert [i.title for i in blocker.args[1]] == ["Night 1", "Night 2", "Night 3"]


def test_a_page_with_several_media_expands_to_each(
    qtbot: QtBot, site: Site, resolver: Resolver
) -> None:
    with qtbot.waitSignal(resolver.expanded, timeout=WAIT_MS) as blocker:
        resolver.expand(site.base + "multi.html")
    items = blocker.args[1]
    assert [i.page_url for i in items] == [site.base + f"{n}.wav" for n in "abc"]
    assert [i.title for i in items] == [f"Three rooms ({n})" for n in (1, 2, 3)]


def test_a_single_page_expands_to_itself(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    page = site.base + "page.html"
    with qtbot.waitSignal(resolver.expanded, timeout=WAIT_MS) as blocker:
        resolver.expand(page)
    assert blocker.args[1] == [PlaylistItem(page, "Rain on a tin roof", None)]


def test_expanding_a_page_without_media_fails(qtbot: QtBot, site: Site, resolver: Resolver) -> None:
    with qtbot.waitSignal(resolver.failed, timeout=WAIT_MS) as blocker:
        resolver.expand(site.base + "links.html")
    assert blocker.args[1] == NO_AUDIO


# --- safety


def test_yt_dlp_writes_no_files(
    qtbot: QtBot, site: Site, resolver: Resolver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for var, sub in (("HOME", ""), ("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.chdir(home)
    _resolve(qtbot, resolver, site.base + "page.html")
    with qtbot.waitSignal(resolver.expanded, timeout=WAIT_MS):
        resolver.expand(site.base + "feed.xml")
    assert list(home.rglob("*")) == []


def test_every_option_is_a_documented_yt_dlp_option() -> None:
    """yt-dlp ignores unknown options, so a misspelt safety option would silently do nothing."""
    doc = resolver_module._load_yt_dlp().YoutubeDL.__doc__
    for kind in ("resolve", "expand"):
        for key in resolver_module.ydl_options(kind):
            assert f"\n    {key}:" in doc, key


def test_plugins_are_off_and_the_version_is_known() -> None:
    yt_dlp = resolver_module._load_yt_dlp()
    assert yt_dlp.globals.plugin_dirs.value == []
    assert resolver_module.yt_dlp_version() == yt_dlp.version.__version__
