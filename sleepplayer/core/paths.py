"""Where SleepPlayer keeps its files.

``--basedir`` (or ``SLEEPPLAYER_HOME``) moves everything under one directory, for tests and
portable installs; otherwise each kind of file goes where the OS expects it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from sleepplayer import APP_NAME

#: Environment variable that moves all of SleepPlayer's files under one directory.
HOME_ENV = "SLEEPPLAYER_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The directories SleepPlayer writes to, and the files inside them."""

    config_dir: Path
    data_dir: Path
    state_dir: Path
    #: Rebuildable files only (decoded loop copies); safe to delete at any time.
    cache_dir: Path | None = None

    @property
    def loop_cache_dir(self) -> Path | None:
        return self.cache_dir / "loops" if self.cache_dir is not None else None

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def library_file(self) -> Path:
        return self.data_dir / "library.json"

    @property
    def resume_file(self) -> Path:
        return self.state_dir / "resume.json"

    @property
    def fell_asleep_file(self) -> Path:
        """Where the sleep timer remembers each track's position when the fade began."""
        return self.state_dir / "fell_asleep.json"

    @classmethod
    def resolve(cls, basedir: str | None = None, env: Mapping[str, str] = os.environ) -> AppPaths:
        """``basedir`` wins, then ``$SLEEPPLAYER_HOME``, then the platform's user directories."""
        base = basedir or env.get(HOME_ENV) or None
        if base:
            root = Path(base).expanduser().absolute()
            return cls(root / "config", root / "data", root / "state", root / "cache")
        # appauthor=False: no vendor folder level on Windows
        # (…\SleepPlayer, not …\SleepPlayer\SleepPlayer).
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    def ensure(self) -> str | None:
        """Create the directories. Returns a message for the user when that fails.

        Not raising is deliberate: the app still plays with an unwritable data directory.
        """
        failed: list[str] = []
        for directory in (self.config_dir, self.data_dir, self.state_dir):
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except FileExistsError:
                failed.append(f"{directory} (a file is in the way)")
            except OSError as exc:
                failed.append(f"{directory} ({exc.strerror or exc})")
            else:
                # An existing folder the user may not write to (or a read-only mount): said
                # now, not at the first change, when the news would come unasked for.
                if not os.access(directory, os.W_OK | os.X_OK):
                    failed.append(f"{directory} (read-only)")
        if not failed:
            return None
        return (
            "SleepPlayer cannot create or write to its folders, so changes will not be saved"
            " (playback works): " + "; ".join(failed)
        )
