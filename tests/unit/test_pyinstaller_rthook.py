"""The PyInstaller runtime hook's choice of libVLC (packaging/pyinstaller/rthook_vlc.py).

python-vlc exits the process when PYTHON_VLC_LIB_PATH names a missing file, so the hook must
only ever pick files that exist; the real frozen run is `make package`'s smoke test.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

HOOK = Path(__file__).resolve().parents[2] / "packaging" / "pyinstaller" / "rthook_vlc.py"
BUNDLE = os.path.join(os.sep, "opt", "sleepplayer", "_internal")


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rthook_vlc", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not frozen: defines the functions, changes nothing
    return module


def _files(*paths: str) -> Callable[[str], bool]:
    """An ``exists`` that sees these files and every folder above them."""
    known = set()
    for path in map(os.path.normpath, paths):
        while path not in known and path != os.path.dirname(path):
            known.add(path)
            path = os.path.dirname(path)
    return lambda path: os.path.normpath(path) in known


def test_the_bundled_libvlc_comes_first(hook: ModuleType) -> None:
    vlc = os.path.join(BUNDLE, "vlc")
    exists = _files(
        os.path.join(vlc, "libvlc.so.5"),
        os.path.join(vlc, "libvlccore.so.9"),
        os.path.join(vlc, "plugins", "codec", "libopus_plugin.so"),
    )
    choice = hook.choose_libvlc(BUNDLE, "linux", {}, exists)
    assert choice == (os.path.join(vlc, "libvlc.so.5"), os.path.join(vlc, "plugins"))


def test_linux_without_a_bundled_copy_leaves_the_system_libvlc_to_python_vlc(
    hook: ModuleType,
) -> None:
    assert hook.choose_libvlc(BUNDLE, "linux", {}, _files()) is None


def test_a_library_without_its_libvlccore_is_not_chosen(hook: ModuleType) -> None:
    exists = _files(os.path.join(BUNDLE, "vlc", "libvlc.so.5"))
    assert hook.choose_libvlc(BUNDLE, "linux", {}, exists) is None


def test_the_users_own_setting_wins(hook: ModuleType) -> None:
    vlc = os.path.join(BUNDLE, "vlc")
    exists = _files(os.path.join(vlc, "libvlc.so.5"), os.path.join(vlc, "libvlccore.so.9"))
    env = {"PYTHON_VLC_LIB_PATH": "/elsewhere/libvlc.so.5"}
    assert hook.choose_libvlc(BUNDLE, "linux", env, exists) is None


def test_windows_falls_back_to_program_files(hook: ModuleType) -> None:
    program_files = os.path.join("C:", os.sep, "Program Files")
    vlc = os.path.join(program_files, "VideoLAN", "VLC")
    exists = _files(
        os.path.join(vlc, "libvlc.dll"),
        os.path.join(vlc, "libvlccore.dll"),
        os.path.join(vlc, "plugins", "codec", "libopus_plugin.dll"),
    )
    # Off Windows there is no winreg, so only the Program Files folders are looked at.
    choice = hook.choose_libvlc(BUNDLE, "win32", {"ProgramFiles": program_files}, exists)
    assert choice == (os.path.join(vlc, "libvlc.dll"), os.path.join(vlc, "plugins"))


def test_macos_uses_vlc_app_in_applications(hook: ModuleType) -> None:
    macos = os.path.join(os.sep, "Applications", "VLC.app", "Contents", "MacOS")
    exists = _files(
        os.path.join(macos, "lib", "libvlc.dylib"),
        os.path.join(macos, "lib", "libvlccore.dylib"),
        os.path.join(macos, "plugins", "libopus_plugin.dylib"),
    )
    choice = hook.choose_libvlc(BUNDLE, "darwin", {"HOME": "/Users/me"}, exists)
    assert choice == (
        os.path.join(macos, "lib", "libvlc.dylib"),
        os.path.join(macos, "plugins"),
    )
