"""Where files go: --basedir, then SLEEPPLAYER_HOME, then the platform directories."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest

from sleepplayer.core.paths import AppPaths


def test_basedir_wins_over_env(tmp_path: Path) -> None:
    paths = AppPaths.resolve(str(tmp_path / "cli"), env={"SLEEPPLAYER_HOME": str(tmp_path / "env")})
    cli = tmp_path / "cli"
    assert paths == AppPaths(cli / "config", cli / "data", cli / "state", cli / "cache")
    assert paths.loop_cache_dir == cli / "cache" / "loops"


def test_env_when_no_basedir(tmp_path: Path) -> None:
    paths = AppPaths.resolve(None, env={"SLEEPPLAYER_HOME": str(tmp_path)})
    assert paths.settings_file == tmp_path / "config" / "settings.json"
    assert paths.library_file == tmp_path / "data" / "library.json"
    assert paths.resume_file == tmp_path / "state" / "resume.json"


def test_relative_basedir_is_made_absolute() -> None:
    paths = AppPaths.resolve("rel", env={})
    assert paths.config_dir.is_absolute()
    assert paths.config_dir == Path.cwd() / "rel" / "config"


def test_platform_dirs_otherwise() -> None:
    paths = AppPaths.resolve(None, env={"SLEEPPLAYER_HOME": ""})
    assert paths.config_dir == Path(platformdirs.user_config_dir("SleepPlayer", appauthor=False))
    assert paths.data_dir == Path(platformdirs.user_data_dir("SleepPlayer", appauthor=False))
    assert paths.state_dir == Path(platformdirs.user_state_dir("SleepPlayer", appauthor=False))
    assert paths.config_dir.name == "SleepPlayer"


def test_ensure_creates_the_directories(tmp_path: Path) -> None:
    paths = AppPaths.resolve(str(tmp_path / "home"))
    assert paths.ensure() is None
    assert paths.config_dir.is_dir() and paths.data_dir.is_dir() and paths.state_dir.is_dir()
    assert paths.ensure() is None


def test_ensure_reports_instead_of_raising(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "data").write_text("a file in the way")
    paths = AppPaths.resolve(str(tmp_path / "home"))
    problem = paths.ensure()
    assert problem is not None
    assert "will not be saved" in problem and str(paths.data_dir) in problem
    assert paths.config_dir.is_dir()


def test_ensure_names_a_folder_it_may_not_write_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The trial: a read-only SleepPlayer folder was only named at the first change, and
    # not as "nothing will be saved". Root writes anywhere, so the refusal is simulated.
    paths = AppPaths.resolve(str(tmp_path / "home"))
    assert paths.ensure() is None
    refused = paths.state_dir
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != refused and real_access(p, mode))
    problem = paths.ensure()
    assert problem is not None
    assert "changes will not be saved" in problem and "(playback works)" in problem
    assert problem.endswith(f"{refused} (read-only)")
