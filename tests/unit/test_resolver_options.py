"""yt-dlp's options are safe (DESIGN.md, "Untrusted input"), and importing the resolver does not
import yt-dlp: it loads lazily, on the first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sleepplayer.playback.resolver import AUDIO_FORMAT, SOCKET_TIMEOUT_S, TIMEOUT_S, ydl_options

REPO = Path(__file__).resolve().parents[2]
KINDS = ("resolve", "expand")

#: Every option the resolver may pass. A new one has to be added here, after checking it
#: against yt-dlp's YoutubeDL docstring: it must not download, write, read credentials or exec.
ALLOWED = {
    "skip_download",
    "quiet",
    "no_warnings",
    "noprogress",
    "logger",
    "cachedir",
    "enable_file_urls",
    "usenetrc",
    "consoletitle",
    "socket_timeout",
    "extractor_retries",
    "format",
    "noplaylist",
    "playlist_items",
    "extract_flat",
}

#: Options that must be absent, or present and falsy.
FORBIDDEN = {
    # credentials
    "cookiefile", "cookiesfrombrowser", "usenetrc", "netrc_location", "netrc_cmd", "username",
    "password", "videopassword", "ap_username", "ap_password", "twofactor", "client_certificate",
    "client_certificate_key", "client_certificate_password",
    # commands, hooks and code
    "exec", "exec_cmd", "postprocessors", "post_hooks", "progress_hooks",
    "postprocessor_hooks", "match_filter", "external_downloader", "external_downloader_args",
    "remote_components", "plugin_dirs",
    # writing files
    "outtmpl", "paths", "download_archive", "print_to_file", "load_info_filename",
    "writeinfojson", "writethumbnail", "write_all_thumbnails", "writesubtitles",
    "writeautomaticsub", "writedescription", "writeannotations", "writelink", "writeurllink",
    "writewebloclink", "writedesktoplink", "allow_playlist_files", "clean_infojson",
    "keepvideo", "updatetime", "xattr_set_filesize", "write_pages", "dump_intermediate_pages",
    "overwrites", "continuedl", "nopart",
    # reading local files, printing
    "enable_file_urls", "consoletitle", "forcejson", "dump_single_json", "forceprint",
    "verbose", "listformats", "list_thumbnails", "allow_unplayable_formats",
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_only_known_safe_options(kind: str) -> None:
    options = ydl_options(kind)
    assert set(options) <= ALLOWED, set(options) - ALLOWED


@pytest.mark.parametrize("kind", KINDS)
def test_forbidden_options_are_absent_or_off(kind: str) -> None:
    options = ydl_options(kind)
    assert {key: options[key] for key in FORBIDDEN & set(options) if options[key]} == {}
    assert not any(key.startswith("write") and options[key] for key in options)


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_is_downloaded_cached_or_printed(kind: str) -> None:
    options = ydl_options(kind)
    assert options["skip_download"] is True
    assert options["cachedir"] is False  # yt-dlp's on-disk cache
    assert options["enable_file_urls"] is False
    assert options["quiet"] is True
    assert options["no_warnings"] is True
    logger = options["logger"]
    for method in ("debug", "info", "warning", "error"):
        assert callable(getattr(logger, method))
    assert options["socket_timeout"] == SOCKET_TIMEOUT_S < TIMEOUT_S


def test_resolve_wants_one_medium_with_audio() -> None:
    options = ydl_options("resolve")
    assert options["format"] == AUDIO_FORMAT == "bestaudio/best[acodec!=none]/best"
    assert options["noplaylist"] is True
    assert options["playlist_items"] == "1"
    assert "extract_flat" not in options


def test_expand_is_flat() -> None:
    options = ydl_options("expand")
    assert options["extract_flat"] == "in_playlist"
    assert options["noplaylist"] is False


def test_each_call_returns_fresh_options() -> None:
    first = ydl_options("resolve")
    first["skip_download"] = False
    assert ydl_options("resolve")["skip_download"] is True


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError):
        ydl_options("download")


# Runs in a fresh interpreter: this test process may have imported yt_dlp in other tests.
PROBE = """
import json, sys
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from sleepplayer.playback import resolver
options = [resolver.ydl_options(kind) for kind in ("resolve", "expand")]
res = resolver.Resolver()
version = res.yt_dlp_version()
res.cached("https://example.org/")
res.cancel(12345)
res.shutdown()
import sleepplayer.app
print(json.dumps({
    "version": version,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] == "yt_dlp"),
}))
"""


def test_importing_and_creating_the_resolver_does_not_import_yt_dlp() -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    ).stdout
    result = json.loads(out.splitlines()[-1])
    assert result["loaded"] == []
    assert isinstance(result["version"], str) and result["version"]  # from package metadata
