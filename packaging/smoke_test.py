"""Smoke test of the one-folder bundle that ``make package`` builds.

    python packaging/smoke_test.py [dist/sleepplayer]

1. Headless: ``sleepplayer --basedir <tmp> --headless <built-in sound>`` must reach Playing, play
   for 3 s, and on Ctrl+C (SIGINT) fade out and exit with 130, with no traceback.
2. Window: the window app must start and still be running after 3 s, on a private Xvfb when
   there is one (else Qt's offscreen platform), which proves the bundled Qt plugins and every
   module the window imports are there.

Prints which libVLC the bundle loaded and the bundle's size. Exits 1 on the first failure.
The audio output is ``adummy`` unless ``SLEEPPLAYER_AOUT`` says otherwise, so nothing is heard.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

PLAY_S = 3.0
START_TIMEOUT_S = 20.0
EXIT_TIMEOUT_S = 10.0
EXIT_INTERRUPTED = 130


class SmokeError(Exception):
    pass


def executable(bundle: Path) -> Path:
    name = "sleepplayer.exe" if sys.platform == "win32" else "sleepplayer"
    path = bundle / name
    if not path.is_file():
        raise SmokeError(f"no {name} in {bundle}: run `make package` first")
    return path


def builtin_sound(bundle: Path) -> tuple[Path, str]:
    """The first built-in sound inside the bundle, and its title."""
    sounds = bundle / "_internal" / "sleepplayer" / "resources" / "sounds"
    try:
        first = json.loads((sounds / "sounds.json").read_text("utf-8"))[0]
    except (OSError, ValueError, IndexError) as exc:
        raise SmokeError(f"the bundle has no readable sounds.json in {sounds}: {exc}") from None
    path = sounds / str(first["file"])
    if not path.is_file():
        raise SmokeError(f"the bundle lacks the built-in sound {path}")
    return path, str(first["title"])


def _pump(stream: IO[str], lines: queue.Queue[str], kept: list[str]) -> None:
    for line in stream:
        kept.append(line)
        lines.put(line)


def loaded_libvlc(pid: int) -> str:
    """Where the running bundle loaded libvlc from (Linux: read from its memory map)."""
    maps = Path(f"/proc/{pid}/maps")
    if not maps.exists():
        return "(not visible on this OS)"
    paths = {line.split()[-1] for line in maps.read_text().splitlines() if "libvlc.so" in line}
    return ", ".join(sorted(paths)) or "(none)"


def smoke_headless(exe: Path, env: dict[str, str], home: Path, sound: Path, title: str) -> None:
    process = subprocess.Popen(
        [str(exe), "--basedir", str(home), "--headless", str(sound)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    out: list[str] = []
    err: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, lines, out), daemon=True).start()
    threading.Thread(target=_pump, args=(process.stderr, queue.Queue(), err), daemon=True).start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise SmokeError(
                    f"headless: did not start playing within {START_TIMEOUT_S:.0f} s\n"
                    + "".join(out + err)
                ) from None
            if line.startswith("▶") and title in line:
                break
        started = time.monotonic()
        time.sleep(PLAY_S)  # an external process: let it play for the time the issue asks
        if process.poll() is not None:
            raise SmokeError(f"headless: exited early ({process.returncode})\n" + "".join(err))
        played = time.monotonic() - started
        print(f"libVLC: {loaded_libvlc(process.pid)}")
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=EXIT_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = "".join(err)
    if code != EXIT_INTERRUPTED:
        raise SmokeError(f"headless: Ctrl+C gave exit code {code}, not 130\n{stderr}")
    if "Traceback" in stderr:
        raise SmokeError(f"headless: a traceback on stderr\n{stderr}")
    print(f"headless: played '{title}' for {played:.1f} s, then Ctrl+C: exit {code}")


@contextlib.contextmanager
def display() -> Iterator[dict[str, str]]:
    """A private Xvfb when there is one (so the bundled xcb plugin and X libraries are used),
    else Qt's offscreen platform."""
    if not sys.platform.startswith("linux") or shutil.which("Xvfb") is None:
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    try:
        if not number:
            raise SmokeError("Xvfb did not start")
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}", "WAYLAND_DISPLAY": ""}
    finally:
        server.terminate()
        server.wait(EXIT_TIMEOUT_S)


def smoke_window(exe: Path, env: dict[str, str], home: Path) -> None:
    with display() as screen, tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        window_env = {**env, **screen}
        process = subprocess.Popen(
            [str(exe), "--basedir", str(home)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=window_env,
        )
        try:
            try:
                code = process.wait(timeout=PLAY_S)
            except subprocess.TimeoutExpired:
                code = None
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=EXIT_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        err.seek(0)
        stderr = err.read()
        platform = screen["QT_QPA_PLATFORM"]
    if code is not None:
        raise SmokeError(f"window: exited after start with code {code}\n{stderr}")
    if "Traceback" in stderr:
        raise SmokeError(f"window: a traceback on stderr\n{stderr}")
    print(f"window: running after {PLAY_S:.0f} s (Qt platform {platform})")


def bundle_size(bundle: Path) -> tuple[int, int]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def main(argv: list[str]) -> int:
    bundle = Path(argv[1] if len(argv) > 1 else "dist/sleepplayer").resolve()
    env = {**os.environ, "SLEEPPLAYER_AOUT": os.environ.get("SLEEPPLAYER_AOUT", "adummy")}
    try:
        exe = executable(bundle)
        sound, title = builtin_sound(bundle)
        with tempfile.TemporaryDirectory(prefix="sleepplayer-smoke-") as tmp:
            smoke_headless(exe, env, Path(tmp) / "headless", sound, title)
            smoke_window(exe, env, Path(tmp) / "window")
    except SmokeError as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    size, count = bundle_size(bundle)
    print(f"bundle: {bundle} — {size / 1e6:.0f} MB in {count} files")
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
