"""Expanding dropped files and folders: natural order, hidden entries, loops, cancel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sleepplayer.core.scan import AUDIO_EXTENSIONS, expand_paths, is_audio_file, natural_key


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")


def rel(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_natural_key() -> None:
    names = ["Track 10.mp3", "track 2.mp3", "Track 1.mp3", "a.mp3", "B.mp3", "Track 02.mp3"]
    assert sorted(names, key=natural_key) == [
        "a.mp3",
        "B.mp3",
        "Track 1.mp3",
        "Track 02.mp3",
        "track 2.mp3",
        "Track 10.mp3",
    ]
    # Text and numbers never get compared with each other.
    assert sorted(["1", "a", "a1", "1a", ""], key=natural_key) == ["", "1", "1a", "a", "a1"]


def test_audio_extensions() -> None:
    assert {"mp3", "ogg", "oga", "opus", "flac", "wav", "m4a", "aac", "wma", "mka"} <= (
        AUDIO_EXTENSIONS
    )
    assert {"webm", "mp4", "aiff", "aif", "ape", "wv", "mpc", "spx"} <= AUDIO_EXTENSIONS
    assert is_audio_file("X.FLAC") and not is_audio_file("cover.jpg") and not is_audio_file("mp3")


def test_folder_walk_is_natural_and_interleaved(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "Part 10.mp3",
        "Part 2/b.ogg",
        "Part 2/a 10.ogg",
        "Part 2/a 9.ogg",
        "part 1.mp3",
        "Part 3/deep/x.flac",
        "cover.jpg",
        "notes.txt",
    )
    got = rel(tmp_path, list(expand_paths([tmp_path])))
    assert got == [
        "part 1.mp3",
        "Part 2/a 9.ogg",
        "Part 2/a 10.ogg",
        "Part 2/b.ogg",
        "Part 3/deep/x.flac",
        "Part 10.mp3",
    ]


def test_hidden_entries_skipped_in_folders(tmp_path: Path) -> None:
    touch(tmp_path, ".hidden.mp3", ".cache/x.mp3", "shown.mp3")
    assert rel(tmp_path, list(expand_paths([tmp_path]))) == ["shown.mp3"]


def test_explicit_files_are_kept_as_given(tmp_path: Path) -> None:
    touch(tmp_path, "z.txt", ".secret.mp3", "dir/a.mp3")
    given = [tmp_path / "z.txt", tmp_path / "dir", tmp_path / ".secret.mp3", tmp_path / "gone"]
    assert list(expand_paths(given)) == [
        tmp_path / "z.txt",
        tmp_path / "dir" / "a.mp3",
        tmp_path / ".secret.mp3",
        tmp_path / "gone",
    ]


def test_symlink_loops_terminate(tmp_path: Path) -> None:
    touch(tmp_path, "a/1.mp3", "b/2.mp3")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    os.symlink(tmp_path / "b", tmp_path / "a" / "zz-b-again")
    os.symlink(tmp_path / "a" / "1.mp3", tmp_path / "b" / "link.mp3")
    os.symlink(tmp_path / "nowhere", tmp_path / "b" / "broken.mp3")
    got = rel(tmp_path, list(expand_paths([tmp_path, tmp_path / "a"])))
    # Each real folder is walked once, by the first path that reaches it; file links are kept.
    assert got == ["a/1.mp3", "a/zz-b-again/2.mp3", "a/zz-b-again/link.mp3"]


def test_a_link_back_up_never_adds_the_chosen_folders_neighbours(tmp_path: Path) -> None:
    touch(tmp_path, "lib/1.mp3", "lib/sub/2.mp3", "other/3.mp3")
    os.symlink("../..", tmp_path / "lib" / "sub" / "loop")  # up to tmp_path, around lib
    got = rel(tmp_path, list(expand_paths([tmp_path / "lib"])))
    assert got == ["lib/1.mp3", "lib/sub/2.mp3"]  # not other/3.mp3


def test_unreadable_folder_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, which can read any folder: make one unreadable by patching scandir.
    touch(tmp_path, "a/1.mp3", "locked/2.mp3", "z.mp3")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems: list[str] = []
    got = rel(tmp_path, list(expand_paths([tmp_path], on_problem=problems.append)))
    assert got == ["a/1.mp3", "z.mp3"]
    assert problems == [f"Cannot read the folder {tmp_path / 'locked'}: Permission denied"]


def test_cancel_stops_promptly(tmp_path: Path) -> None:
    touch(tmp_path, *(f"d{d}/t{i}.mp3" for d in range(5) for i in range(20)))
    seen: list[Path] = []
    checks = 0

    def cancelled() -> bool:
        nonlocal checks
        checks += 1
        return len(seen) >= 7

    for path in expand_paths([tmp_path], cancelled=cancelled):
        seen.append(path)
    assert len(seen) == 7
    assert checks <= 20


def test_cancel_before_start_yields_nothing(tmp_path: Path) -> None:
    touch(tmp_path, "a.mp3")
    assert list(expand_paths([tmp_path, tmp_path / "a.mp3"], cancelled=lambda: True)) == []


def test_deep_trees_do_not_recurse(tmp_path: Path) -> None:
    deep = tmp_path
    for _ in range(60):
        deep = deep / "d"
    touch(deep, "x.mp3")
    assert list(expand_paths([tmp_path])) == [deep / "x.mp3"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_devices_and_fifos_are_reported_never_yielded(tmp_path: Path) -> None:
    # /dev/zero never ends and a FIFO blocks its reader: reading either hangs the scan.
    os.mkfifo(tmp_path / "pipe.mp3")
    os.symlink("/dev/zero", tmp_path / "zero.mp3")
    touch(tmp_path, "real.mp3")
    problems: list[str] = []
    given: list[str | Path] = [
        "/dev/zero",
        tmp_path / "pipe.mp3",
        tmp_path / "zero.mp3",
        tmp_path / "real.mp3",
    ]
    got = list(expand_paths(given, on_problem=problems.append))
    assert got == [tmp_path / "real.mp3"]
    assert problems == [
        "Not added: /dev/zero is not a regular file",
        f"Not added: {tmp_path / 'pipe.mp3'} is not a regular file",
        f"Not added: {tmp_path / 'zero.mp3'} is not a regular file",
    ]
    # In a folder they are skipped like any other non-audio entry.
    assert rel(tmp_path, list(expand_paths([tmp_path]))) == ["real.mp3"]


def test_missing_files_are_still_yielded_not_reported(tmp_path: Path) -> None:
    problems: list[str] = []
    assert list(expand_paths([tmp_path / "gone.mp3"], on_problem=problems.append)) == [
        tmp_path / "gone.mp3"
    ]
    assert problems == []
