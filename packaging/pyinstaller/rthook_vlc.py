"""PyInstaller runtime hook: tell python-vlc which libVLC to load, before anything imports vlc.

python-vlc reads ``PYTHON_VLC_LIB_PATH`` (the library) and ``PYTHON_VLC_MODULE_PATH`` (its
plugin folder) at import time, and calls ``sys.exit(1)`` when either names something missing,
so only paths that exist are ever set. The order:

1. The user's own ``PYTHON_VLC_LIB_PATH``: left alone.
2. A libVLC bundled by the spec (``SLEEPPLAYER_VLC_DIR`` at build time) in ``<bundle>/vlc``.
3. An installed VLC 3: on Windows the folder the VLC installer records in the registry, then
   Program Files; on macOS VLC.app in /Applications or ~/Applications. On Linux the system's
   ``libvlc.so.5`` is what python-vlc finds by itself (ldconfig), so nothing is set.

Nothing found: nothing is set, and the app says how to install VLC (exit code 2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping

#: Folder inside the bundle that holds a bundled libVLC and its ``plugins`` folder.
BUNDLED_VLC_DIR = "vlc"
LIB_ENV = "PYTHON_VLC_LIB_PATH"
PLUGINS_ENV = "PYTHON_VLC_MODULE_PATH"

#: Library file name and the libvlccore it needs, per platform (the names VLC 3 ships).
_LIB_NAMES = {"win32": "libvlc.dll", "darwin": "libvlc.dylib", "linux": "libvlc.so.5"}
_CORE_NAMES = {"win32": "libvlccore.dll", "darwin": "libvlccore.dylib", "linux": "libvlccore.so.9"}


def _platform_key(platform: str) -> str:
    if platform.startswith("win"):
        return "win32"
    return "darwin" if platform == "darwin" else "linux"


def _registry_vlc_dirs() -> Iterator[str]:
    """The InstallDir the VLC installer writes (the registry view matches Python's bitness)."""
    if sys.platform != "win32":
        return
    import winreg

    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(root, r"Software\VideoLAN\VLC") as key:
                value, _type = winreg.QueryValueEx(key, "InstallDir")
        except OSError:
            continue
        yield str(value)


def installed_vlc_dirs(platform: str, env: Mapping[str, str]) -> list[tuple[str, str]]:
    """(library folder, plugin folder) pairs where an installed VLC 3 usually lives."""
    key = _platform_key(platform)
    if key == "win32":
        folders = list(_registry_vlc_dirs())
        for variable in ("ProgramFiles", "ProgramW6432", "LOCALAPPDATA"):
            if env.get(variable):
                base = env[variable]
                folders.append(os.path.join(base, "VideoLAN", "VLC"))
                folders.append(os.path.join(base, "Programs", "VideoLAN", "VLC"))
        return [(folder, os.path.join(folder, "plugins")) for folder in folders]
    if key == "darwin":
        apps = ["/Applications"]
        if env.get("HOME"):
            apps.append(os.path.join(env["HOME"], "Applications"))
        pairs = []
        for app_folder in apps:
            macos = os.path.join(app_folder, "VLC.app", "Contents", "MacOS")
            pairs.append((os.path.join(macos, "lib"), os.path.join(macos, "plugins")))
        return pairs
    return []  # Linux: python-vlc's own ldconfig search finds the distribution's libvlc.so.5


def choose_libvlc(
    bundle_dir: str,
    platform: str,
    env: Mapping[str, str],
    exists: Callable[[str], bool] = os.path.exists,
) -> tuple[str, str | None] | None:
    """The (library, plugin folder) python-vlc should load, or None to leave it to python-vlc."""
    if env.get(LIB_ENV):
        return None
    key = _platform_key(platform)
    bundled = os.path.join(bundle_dir, BUNDLED_VLC_DIR)
    candidates = [(bundled, os.path.join(bundled, "plugins"))]
    candidates += installed_vlc_dirs(platform, env)
    for lib_dir, plugin_dir in candidates:
        lib = os.path.join(lib_dir, _LIB_NAMES[key])
        if exists(lib) and exists(os.path.join(lib_dir, _CORE_NAMES[key])):
            return lib, plugin_dir if exists(plugin_dir) else None
    return None


def _apply() -> None:
    bundle_dir = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))
    choice = choose_libvlc(bundle_dir, sys.platform, os.environ)
    if choice is None:
        return
    lib, plugin_dir = choice
    lib_dir = os.path.dirname(lib)
    if sys.platform == "win32":
        # libvlc.dll finds libvlccore.dll beside it only if its folder is on the DLL path.
        os.add_dll_directory(lib_dir)
    else:
        # libvlc needs libvlccore by its soname; loading ours first by full path makes the
        # dynamic loader reuse it instead of searching the system (python-vlc does the same
        # for VLC.app on macOS).
        import ctypes

        core = os.path.join(lib_dir, _CORE_NAMES[_platform_key(sys.platform)])
        ctypes.CDLL(core, mode=ctypes.RTLD_GLOBAL)
    os.environ[LIB_ENV] = lib
    if plugin_dir is not None and not os.environ.get(PLUGINS_ENV):
        os.environ[PLUGINS_ENV] = plugin_dir


if getattr(sys, "frozen", False):
    _apply()
