"""Packaging files checked with the real tools: desktop-file-validate, appstreamcli, make.

Also keeps them coherent with the code: the ids, the command-line verbs the desktop actions run,
the D-Bus names the Flatpak grants, the icons rendered from app.svg, the Qt modules the
PyInstaller bundle leaves out.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PySide6.QtGui import QImage

from sleepplayer import APP_ID, APP_NAME, APP_SLUG, __version__
from sleepplayer.cli import build_parser
from sleepplayer.desktop.dbus_call import Bus, DBusCall
from sleepplayer.desktop.inhibit import DBusLock, inhibit_plan
from sleepplayer.desktop.suspend import suspend_plan

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP_FILE = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
ICONS = LINUX / "icons"
FLATPAK = ROOT / "packaging" / "flatpak" / f"{APP_ID}.yml"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SHARED_MIME_INFO = Path("/usr/share/mime/packages/freedesktop.org.xml")


def _pyproject() -> str:
    return (ROOT / "pyproject.toml").read_text("utf-8")


def _project_license() -> str:
    match = re.search(r'^license = "([^"]+)"', _pyproject(), re.MULTILINE)
    assert match
    return match.group(1)


def _project_dependencies() -> set[str]:
    """Names in [project] dependencies (read as text: tomllib needs Python 3.11)."""
    block = _pyproject().split("\ndependencies = [\n", 1)[1].split("\n]", 1)[0]
    lines = [line.strip() for line in block.splitlines()]
    specs = [line.strip('",') for line in lines if line.startswith('"')]
    return {re.split(r"[<>=!~ \[;]", spec, maxsplit=1)[0].lower() for spec in specs}


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _desktop_entry() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser


def _list(value: str) -> list[str]:
    return [item for item in value.split(";") if item]


# --- the .desktop file


def test_desktop_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_desktop_file_is_named_and_iconed_after_the_app_id() -> None:
    entry = _desktop_entry()["Desktop Entry"]
    assert DESKTOP_FILE.name == f"{APP_ID}.desktop"
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    # Qt's X11 WM_CLASS class is the application name (tests/e2e/test_desktop_identity.py).
    assert entry["StartupWMClass"] == APP_NAME
    assert {"AudioVideo", "Audio", "Player"} <= set(_list(entry["Categories"]))
    assert {"sleep", "ASMR", "timer", "white noise", "rain"} <= set(_list(entry["Keywords"]))


def test_desktop_file_opens_audio_and_playlist_types_that_exist() -> None:
    known = set(re.findall(r'<mime-type type="([^"]+)"', SHARED_MIME_INFO.read_text("utf-8")))
    types = _list(_desktop_entry()["Desktop Entry"]["MimeType"])
    assert {"audio/mpeg", "audio/flac", "audio/x-opus+ogg"} <= set(types)
    assert {"audio/x-mpegurl", "audio/x-scpls", "application/xspf+xml"} <= set(types)
    assert not [t for t in types if t not in known], "not canonical shared-mime-info types"


def test_every_exec_line_is_a_command_line_the_app_accepts() -> None:
    desktop = _desktop_entry()
    actions = _list(desktop["Desktop Entry"]["Actions"])
    assert {"PlayPause", "Sleep30"} <= set(actions)
    commands = [desktop["Desktop Entry"]["Exec"]]
    commands += [desktop[f"Desktop Action {action}"]["Exec"] for action in actions]
    parsed = {}
    for command in commands:
        program, *args = shlex.split(command)
        assert program == APP_SLUG
        args = [a for a in args if not re.fullmatch(r"%[fFuU]", a)]  # file/URL field codes
        parsed[command] = build_parser().parse_args(args)
    toggle = parsed[desktop["Desktop Action PlayPause"]["Exec"]]
    assert toggle.verb == "toggle"
    assert parsed[desktop["Desktop Action Sleep30"]["Exec"]].sleep == 30 * 60


# --- AppStream


def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Infos differ between AppStream versions (0.16 does not know <developer> yet);
    # warnings and errors never pass.
    assert not re.search(r"^[EW]: ", output, re.MULTILINE), output


def test_metainfo_describes_this_app() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == _project_license()
    assert root.findtext("launchable[@type='desktop-id']") == f"{APP_ID}.desktop"
    assert root.findtext("provides/binary") == APP_SLUG
    assert root.findtext("provides/dbus") == f"org.mpris.MediaPlayer2.{APP_SLUG}"
    assert root.find("content_rating[@type='oars-1.1']") is not None
    releases = root.findall("releases/release")
    assert releases[0].get("version") == __version__ and releases[0].get("date")
    images = [image.text or "" for image in root.iterfind("screenshots/screenshot/image")]
    assert images and all(url.startswith("https://") for url in images)
    # Each screenshot is a file of the repository, at its stated size.
    for image in root.iterfind("screenshots/screenshot/image"):
        local = ROOT / "docs" / Path(image.text or "").name
        picture = QImage(str(local))
        assert (picture.width(), picture.height()) == (
            int(image.get("width", 0)),
            int(image.get("height", 0)),
        ), local


# --- icons


def test_icons_exist_at_every_size_in_the_hicolor_layout() -> None:
    for size in ICON_SIZES:
        path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        image = QImage(str(path))
        assert not image.isNull(), path
        assert (image.width(), image.height()) == (size, size), path
        assert image.hasAlphaChannel(), path  # rounded corners stay transparent
    scalable = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert scalable.read_bytes() == (ROOT / "resources" / "icons" / "app.svg").read_bytes()


def _pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].astype(int)


def test_icons_are_rendered_from_the_current_app_svg(tmp_path: Path) -> None:
    """Fails when app.svg changed and `make icons` was not run."""
    subprocess.run(
        [sys.executable, str(LINUX / "make_icons.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    for size in ICON_SIZES:
        relative = Path("hicolor") / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        difference = np.abs(_pixels(tmp_path / relative) - _pixels(ICONS / relative))
        assert difference.max() <= 2, f"{relative} is out of date: run `make icons`"


# --- Flatpak


def _finish_args() -> list[str]:
    """The finish-args list, read as text (PyYAML is not a dependency)."""
    text = FLATPAK.read_text("utf-8")
    block = text.split("\nfinish-args:\n", 1)[1]
    args = []
    for line in block.splitlines():
        if line and not line.startswith(" "):
            break  # the next top-level key
        match = re.fullmatch(r"\s+- (--\S+)", line)
        if match:
            args.append(match.group(1))
    return args


def _dbus_names(bus: Bus) -> set[str]:
    calls: list[DBusCall] = [m.take for m in inhibit_plan("x", "linux") if isinstance(m, DBusLock)]
    calls += [step for step in suspend_plan("linux") if isinstance(step, DBusCall)]
    return {call.service for call in calls if call.bus is bus}


def test_flatpak_manifest_grants_what_the_app_uses_and_nothing_broad() -> None:
    text = FLATPAK.read_text("utf-8")
    assert re.search(rf"^id: {re.escape(APP_ID)}$", text, re.MULTILINE)
    assert re.search(rf"^command: {APP_SLUG}$", text, re.MULTILINE)
    args = _finish_args()
    assert len(args) == len(set(args))
    required = {
        "--socket=pulseaudio",
        "--socket=wayland",
        "--socket=fallback-x11",
        "--share=ipc",
        "--share=network",
        "--filesystem=xdg-music:ro",
        f"--own-name=org.mpris.MediaPlayer2.{APP_SLUG}",
        "--talk-name=org.kde.StatusNotifierWatcher",
    }
    required |= {f"--talk-name={name}" for name in _dbus_names(Bus.SESSION)}
    required |= {f"--system-talk-name={name}" for name in _dbus_names(Bus.SYSTEM)}
    assert required <= set(args), required - set(args)
    broad = [
        a
        for a in args
        if a in ("--socket=session-bus", "--socket=system-bus", "--device=all")
        or a.startswith(("--filesystem=home", "--filesystem=host"))
        or (a.startswith(("--talk-name=", "--own-name=")) and "*" in a)
    ]
    assert not broad
    for installed in (DESKTOP_FILE, METAINFO):
        assert f"packaging/linux/${{FLATPAK_ID}}{installed.name.removeprefix(APP_ID)}" in text
    assert "packaging/linux/icons/hicolor" in text


def test_flatpak_requirements_pin_every_runtime_dependency() -> None:
    wanted = _project_dependencies()
    assert {"pyside6-essentials", "python-vlc", "yt-dlp"} <= wanted
    pinned = {
        line.split("==")[0].strip().lower()
        for line in (FLATPAK.parent / "requirements.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert wanted <= pinned, wanted - pinned


# --- PyInstaller


def _imported_qt_modules() -> set[str]:
    found = set()
    for path in (ROOT / "sleepplayer").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            found |= {n for n in names if n.startswith("PySide6.Qt")}
    return {".".join(name.split(".")[:2]) for name in found}


def test_the_bundle_excludes_no_qt_module_the_app_imports() -> None:
    excludes = set(_load(ROOT / "packaging" / "pyinstaller" / "qt_excludes.py").QT_EXCLUDES)
    used = _imported_qt_modules()
    assert {"PySide6.QtCore", "PySide6.QtWidgets"} <= used
    assert not used & excludes, used & excludes
    spec = (ROOT / "packaging" / "pyinstaller" / "sleepplayer.spec").read_text("utf-8")
    assert "QT_EXCLUDES" in spec and "rthook_vlc.py" in spec


# --- make install-desktop


def test_make_install_desktop_installs_for_the_user_and_uninstalls(tmp_path: Path) -> None:
    data_home = tmp_path / "share"

    def make(target: str) -> None:
        subprocess.run(
            ["make", "-s", "-o", "venv", target, f"DATA_HOME={data_home}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=60,
        )

    make("install-desktop")
    installed = data_home / "applications" / f"{APP_ID}.desktop"
    validate = subprocess.run(
        ["desktop-file-validate", str(installed)], capture_output=True, text=True, timeout=30
    )
    assert validate.returncode == 0 and not validate.stdout.strip(), validate.stdout
    program = shlex.split(installed.read_text("utf-8").split("\nExec=", 1)[1].splitlines()[0])[0]
    assert Path(program) == ROOT / ".venv" / "bin" / APP_SLUG
    assert (data_home / "metainfo" / METAINFO.name).is_file()
    for size in ICON_SIZES:
        assert (
            data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        ).is_file()

    make("uninstall-desktop")
    assert not installed.exists()
    assert not list((data_home / "icons").rglob(f"{APP_ID}.*"))
