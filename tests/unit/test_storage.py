"""Atomic writes, and loading that sets corrupt files aside."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from sleepplayer.core import storage
from sleepplayer.core.storage import (
    StorageError,
    atomic_write_bytes,
    atomic_write_json,
    keep_copy,
    load_json,
)
from sleepplayer.core.text import listed


def fixed_now() -> datetime:
    return datetime(2024, 5, 1, 23, 30, 5)


STAMP = "20240501-233005"


def test_write_creates_parents_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "f.json"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["f.json"]


def test_json_is_utf8_and_readable(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write_json(target, {"name": "Регентропфен ☂", "n": [1, 2]})
    raw = target.read_bytes()
    assert "Регентропфен ☂".encode() in raw
    assert json.loads(raw) == {"name": "Регентропфен ☂", "n": [1, 2]}
    assert load_json(target) == storage.LoadResult(json.loads(raw), None, None)


def test_unserialisable_json_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        atomic_write_json(tmp_path / "f.json", {"x": object()})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_temp_removed_and_old_content_kept_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"old")

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(StorageError, match="No space left on device"):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.json"]


def test_temp_removed_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "f.json", b"new")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_parent_is_a_file_gives_storage_error(tmp_path: Path) -> None:
    # Tests run as root, which ignores permission bits; a file in the way cannot be bypassed.
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="is not a folder") as info:
        atomic_write_json(blocker / "library.json", {})
    assert str(blocker / "library.json") in str(info.value)
    with pytest.raises(StorageError, match="Cannot save"):
        atomic_write_json(blocker / "deeper" / "library.json", {})


def test_missing_file_is_not_a_problem(tmp_path: Path) -> None:
    assert load_json(tmp_path / "nope.json") == storage.LoadResult(None, None, None)


def test_unreadable_path_is_set_aside(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.mkdir()
    result = load_json(target, now=fixed_now)
    assert result.data is None
    assert result.backup == tmp_path / f"settings.json.corrupt-{STAMP}"
    assert result.problem and "could not be read" in result.problem
    assert not target.exists()


def test_set_aside_failure_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(b"{")

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "link", refuse)
    monkeypatch.setattr(os, "rename", refuse)
    result = load_json(target, now=fixed_now)
    assert result.backup is None
    assert result.problem and "could not be set aside (Permission denied)" in result.problem


def test_keep_copy_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "library.json"
    target.write_bytes(b"first")
    first = keep_copy(target, now=fixed_now)
    target.write_bytes(b"second")
    second = keep_copy(target, now=fixed_now)
    assert first == tmp_path / f"library.json.corrupt-{STAMP}"
    assert second == tmp_path / f"library.json.corrupt-{STAMP}-2"
    assert (first.read_bytes(), second.read_bytes()) == (b"first", b"second")
    assert target.read_bytes() == b"second"
    assert keep_copy(tmp_path / "missing.json") is None


def test_abandoned_temp_is_removed_but_one_in_use_is_kept(tmp_path: Path) -> None:
    abandoned = tmp_path / f"{storage.TEMP_PREFIX}library.json.dead"
    abandoned.write_bytes(b"half a libr")
    in_use = tmp_path / f"{storage.TEMP_PREFIX}library.json.live"
    in_use.write_bytes(b"being written")
    other = tmp_path / "notes.tmp"
    other.write_bytes(b"not ours")
    fd = os.open(in_use, os.O_RDONLY)
    try:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        atomic_write_json(tmp_path / "library.json", {"ok": True})
        left = sorted(p.name for p in tmp_path.iterdir())
    finally:
        os.close(fd)
    assert left == sorted(["library.json", in_use.name, "notes.tmp"])


def test_read_only_location_gives_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores permission bits, so the refusal a read-only mount gives is simulated.
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(StorageError) as info:
        atomic_write_json(tmp_path / "settings.json", {"volume": 50})
    assert str(info.value) == f"Cannot save {tmp_path / 'settings.json'}: Read-only file system"


def test_a_message_lists_problems_without_doubled_stops() -> None:
    assert listed(["volume is 500; using 50.", "repeat is 'x'."]) == (
        "volume is 500; using 50; repeat is 'x'"
    )
    assert listed([str(i) for i in range(12)]).endswith("; 9; and 2 more")


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permission bits")
def test_a_shared_file_gets_the_usual_permissions_a_private_one_stays_the_owners(
    tmp_path: Path,
) -> None:
    # An exported playlist came out 0600: a media server (another user) could not read it.
    mask = os.umask(0o022)  # the test sets it; the code only reads it
    try:
        atomic_write_bytes(tmp_path / "list.m3u", b"#EXTM3U\n", shared=True)
        atomic_write_bytes(tmp_path / "settings.json", b"{}")
        assert stat.S_IMODE((tmp_path / "list.m3u").stat().st_mode) == 0o644
        assert stat.S_IMODE((tmp_path / "settings.json").stat().st_mode) == 0o600
        os.chmod(tmp_path / "list.m3u", 0o664)  # the user's own choice is kept on a rewrite
        atomic_write_bytes(tmp_path / "list.m3u", b"#EXTM3U\n\n", shared=True)
        assert stat.S_IMODE((tmp_path / "list.m3u").stat().st_mode) == 0o664
    finally:
        os.umask(mask)
