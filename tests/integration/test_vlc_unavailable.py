"""Without a loadable libVLC, creating the backend raises VlcUnavailableError with instructions.

Each case runs in a fresh interpreter, because python-vlc locates libVLC once, at import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from sleepplayer.playback.vlc_backend import VlcUnavailableError, create_vlc_backend
try:
    create_vlc_backend()
except VlcUnavailableError as exc:
    print(exc)
    sys.exit(3)
sys.exit(0)
"""

# Linux lookup failing: find_library finds nothing and libvlc.so.5 does not load.
HIDE_LIBVLC = """
import ctypes, ctypes.util
ctypes.util.find_library = lambda name: None
_real = ctypes.CDLL
def _cdll(name, *args, **kwargs):
    if name is None or "vlc" in str(name):
        raise OSError(f"{name}: cannot open shared object file")
    return _real(name, *args, **kwargs)
ctypes.CDLL = _cdll
"""


def run_probe(env_extra: dict[str, str], prelude: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_VLC_LIB_PATH"}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", prelude + PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_library_path(tmp_path: Path) -> None:
    result = run_probe({"PYTHON_VLC_LIB_PATH": str(tmp_path / "libvlc.so.5")})
    assert result.returncode == 3, result.stderr
    assert "needs VLC 3" in result.stdout
    # The cause is the setting, not a missing VLC: it says so (it said "SystemExit(1)").
    assert f"PYTHON_VLC_LIB_PATH={tmp_path / 'libvlc.so.5'}" in result.stdout
    assert "SystemExit" not in result.stdout


def test_wrong_architecture(tmp_path: Path) -> None:
    fake = tmp_path / "libvlc.so.5"
    # A 32-bit ARM ELF header: the dynamic loader refuses it as the wrong class/machine.
    fake.write_bytes(b"\x7fELF\x01\x01\x01" + bytes(9) + b"\x03\x00\x28\x00" + bytes(200))
    result = run_probe({"PYTHON_VLC_LIB_PATH": str(fake)})
    assert result.returncode == 3, result.stderr
    assert "needs VLC 3" in result.stdout


def test_not_installed() -> None:
    result = run_probe({}, prelude=HIDE_LIBVLC)
    assert result.returncode == 3, result.stderr
    assert "apt install libvlc5 libvlc-bin vlc-plugin-base" in result.stdout
    assert "libvlc5" in result.stdout
    assert "Traceback" not in result.stderr
