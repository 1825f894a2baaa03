"""The core layer stays pure Python: importing all of it loads no Qt, vlc or yt_dlp."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import sleepplayer.core

REPO = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: this test process has long since imported PySide6 for other tests.
PROBE = """
import importlib, json, pkgutil, sys
import sleepplayer.core as core
names = sorted(m.name for m in pkgutil.iter_modules(core.__path__, core.__name__ + "."))
for name in names:
    importlib.import_module(name)
banned = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("vlc", "yt_dlp") or m.split(".")[0].startswith("PySide6")
    or m.split(".")[0] == "shiboken6"
)
print(json.dumps({"imported": names, "banned": banned}))
"""


def test_core_imports_no_qt_vlc_or_yt_dlp() -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    ).stdout
    result = json.loads(out)
    expected = {
        f"sleepplayer.core.{m.name}" for m in pkgutil.iter_modules(sleepplayer.core.__path__)
    }
    assert set(result["imported"]) == expected
    assert {"sleepplayer.core.queue", "sleepplayer.core.storage"} <= expected
    assert result["banned"] == []
