"""The command line as a user runs it: real processes, real libVLC."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sleepplayer import __version__
from tests.helpers.audio import make_tone
from tests.helpers.http_servers import Icy, LoopbackServer, QuietHTTPServer, make_mp3

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sleepplayer", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "SLEEPPLAYER_AOUT": "adummy", **(env or {})},
    )


def test_version_and_help() -> None:
    version = _run("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    help_ = _run("--help")
    assert help_.returncode == 0
    for option in ("--volume", "--basedir", "--headless", "--version"):
        assert option in help_.stdout


def test_bad_volume_is_a_usage_error_without_traceback() -> None:
    result = _run("--volume", "150", "--headless", "x.ogg")
    assert result.returncode == 2
    assert "0 to 100" in result.stderr and "Traceback" not in result.stderr


def test_headless_plays_the_queue_and_exits_zero(tmp_path: Path) -> None:
    files = [str(make_tone(tmp_path / f"tone{i}.wav", 1.0, 440 + 110 * i)) for i in range(2)]
    result = _run("--headless", "--basedir", str(tmp_path / "home"), "--volume", "20", *files)
    assert result.returncode == 0, result.stderr
    assert "tone0" in result.stdout and "tone1" in result.stdout
    assert "vol 20%" in result.stdout
    # Headless playback never rewrites the user's playlists.
    assert not (tmp_path / "home" / "data" / "library.json").exists()


def test_headless_plays_the_built_in_sleep_sounds_from_the_first_start(tmp_path: Path) -> None:
    # A fresh basedir: the window app had never made the library.
    result = _run(
        "--headless", "--basedir", str(tmp_path / "home"), "--sleep", "2s", "--fade", "1s",
        "Sleep sounds",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Not found" not in result.stderr and "Brown noise" in result.stdout
    # The last line says what the timer did, and shows it: paused, not playing on.
    assert result.stdout.splitlines()[-1].startswith("⏸ Brown noise"), result.stdout


def test_headless_names_a_missing_file_leaves_it_out_and_goes_on(tmp_path: Path) -> None:
    good = str(make_tone(tmp_path / "good.wav", 1.0, 440))
    gone = str(tmp_path / "gone.ogg")
    result = _run("--headless", "--basedir", str(tmp_path / "home"), gone, good)
    assert result.returncode == 0
    assert f"Not found: {gone}." in result.stderr and "Traceback" not in result.stderr
    assert "good" in result.stdout
    assert "Added 1 track." in result.stderr  # never a dead entry for what is not there


def test_headless_with_nothing_there_or_nothing_playable_exits_1(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone.ogg")
    result = _run("--headless", "--basedir", str(tmp_path / "home"), gone)
    assert result.returncode == 1
    assert result.stderr.strip() == f"sleepplayer: Not found: {gone}."
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(bytes(range(256)) * 64)  # no audio in it
    result = _run("--headless", "--basedir", str(tmp_path / "home"), str(broken))
    assert result.returncode == 1
    assert "broken" in result.stderr and "Traceback" not in result.stderr


def test_headless_without_vlc_says_how_to_install_and_exits_2(tmp_path: Path) -> None:
    result = _run(
        "--headless",
        "--basedir",
        str(tmp_path / "home"),
        "x.ogg",
        env={"PYTHON_VLC_LIB_PATH": str(tmp_path / "no-libvlc.so")},
    )
    assert result.returncode == 2
    assert "VLC" in result.stderr and "apt install" in result.stderr
    assert result.stderr.count("apt install") == 1, "the install steps are said once"
    assert "Traceback" not in result.stderr


def test_headless_plays_a_playlist_file_and_a_link(tmp_path: Path) -> None:
    """``sleepplayer --headless list.m3u8 http://...``: the file's entries (refused ones named),
    then the link, checked on a loopback server. Nothing is saved."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler

    www = tmp_path / "www"
    www.mkdir()
    make_tone(www / "web tone.wav", 1.0, 550)
    make_tone(tmp_path / "local.wav", 1.0, 440)
    listing = tmp_path / "night.m3u8"
    listing.write_text("#EXTM3U\n#EXTINF:1,From the list\nlocal.wav\nsmb://nas/a.mp3\n")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = QuietHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/web%20tone.wav"
        home = tmp_path / "home"
        result = _run("--headless", "--basedir", str(home), str(listing), url)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert "From the list" in result.stdout and "web tone" in result.stdout
    assert "smb:" in result.stderr and "Traceback" not in result.stderr
    assert not (home / "data" / "library.json").exists()


def test_headless_says_what_a_radio_plays_as_it_changes(tmp_path: Path) -> None:
    """Into a log, each song the station announces (ICY) is a line: station — song."""
    loop = make_mp3(tmp_path / "loop.mp3", 2.0, 440).read_bytes()
    radio = Icy(loop, 128_000, titles=["Rain", "Waves"], title_every_s=1.0)
    with LoopbackServer({"/radio": radio}) as server:
        result = _run(
            "--headless", "--basedir", str(tmp_path / "home"), "--sleep", "6s", "--fade", "1s",
            server.url("/radio"),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Loopback Radio — Rain" in result.stdout
    assert "Loopback Radio — Waves" in result.stdout


@pytest.mark.parametrize("output", ["closed pipe", "no stdout", "full disk"])
def test_headless_plays_on_when_its_output_goes_away(tmp_path: Path, output: str) -> None:
    """``| head -1``, ``>&-`` or a full disk end the status line, not the player: no
    traceback, and the queue plays to its end as it would into /dev/null."""
    files = [str(make_tone(tmp_path / f"tone{i}.wav", 0.6, 440)) for i in range(3)]
    argv = [sys.executable, "-m", "sleepplayer", "--headless", "--basedir", str(tmp_path)]
    env = {**os.environ, "SLEEPPLAYER_AOUT": "adummy"}
    stdout: int | None
    if output == "closed pipe":
        read_end, stdout = os.pipe()
        os.close(read_end)  # as `head -1` does once it has its line
    elif output == "no stdout":
        stdout = None
    else:
        stdout = os.open("/dev/full", os.O_WRONLY)
    opts: dict[str, object] = {"close_fds": True}
    if output == "no stdout":
        opts["preexec_fn"] = lambda: os.close(1)
    try:
        result = subprocess.run(
            [*argv, *files],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=env,
            **opts,  # type: ignore[call-overload]
        )
    finally:
        if stdout is not None:
            os.close(stdout)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr


def test_headless_plays_the_items_in_the_order_given(tmp_path: Path) -> None:
    """A playlist file between two files plays between them, not first."""
    first = make_tone(tmp_path / "first.wav", 1.5, 440)  # each over the 1 s status pace
    make_tone(tmp_path / "middle.wav", 1.5, 550)
    last = make_tone(tmp_path / "last.wav", 1.5, 660)
    listing = tmp_path / "list.m3u"
    listing.write_text("middle.wav\n")
    result = _run("--headless", "--basedir", str(tmp_path / "home"), str(first), str(listing),
                  str(last))  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = [name for line in result.stdout.splitlines() for name in ("first", "middle", "last")
             if line[2:].startswith(f"{name} ")]  # fmt: skip
    assert list(dict.fromkeys(shown)) == ["first", "middle", "last"], result.stdout


def test_without_a_display_the_window_app_says_so_instead_of_aborting(tmp_path: Path) -> None:
    env = dict(os.environ)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "sleepplayer", "--basedir", str(tmp_path / "home")],
        capture_output=True, text=True, timeout=60, cwd=ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 1  # Qt's own abort was 134, with a page about its plugins
    assert "no display" in result.stderr and "--headless" in result.stderr
    assert "qt.qpa" not in result.stderr
