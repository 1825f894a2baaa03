"""Giving back a file mapping's resident pages: which mappings, and that the kernel does it."""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import pytest

from sleepplayer.desktop.page_out import (
    FileMapping,
    own_mappings,
    page_out,
    read_only_file_mappings,
    reclaimable,
    select_mappings,
    supported,
)
from tests.helpers.smaps import resident_kb

MAPS = """\
55d0c0000000-55d0c0021000 r--p 00000000 08:01 100 /usr/bin/python3.11
7f0000000000-7f0000100000 r-xp 00010000 08:01 200 /venv/PySide6/Qt/lib/libQt6Gui.so.6
7f0000100000-7f0000110000 r--p 00110000 08:01 200 /venv/PySide6/Qt/lib/libQt6Gui.so.6
7f0000110000-7f0000112000 rw-p 00120000 08:01 200 /venv/PySide6/Qt/lib/libQt6Gui.so.6
7f0000112000-7f0000114000 ---p 00122000 08:01 200 /venv/PySide6/Qt/lib/libQt6Gui.so.6
7f0000200000-7f0000300000 r-xp 00010000 08:01 300 /usr/lib/x86_64-linux-gnu/libvlccore.so.9.0.1
7f0000300000-7f0000400000 r-xp 00010000 08:01 301 /usr/lib/x86_64-linux-gnu/libQt6Svg.so.6.4.2
7f0000400000-7f0000500000 rw-p 00000000 00:00 0
7f0000500000-7f0000600000 r--s 00000000 00:01 5 /memfd:xorg (deleted)
7f0000600000-7f0000700000 r-xp 00000000 08:01 400 /tmp/gone.so (deleted)
7f0000700000-7f0000800000 r--p 00000000 08:01 500 /venv/PySide6/Qt/lib/My Font.ttf
7f0000800000-7f0000900000 r-xp 00000000 08:01 600 /venv/PySide6/Qt/lib/libQt6Core.so.6
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
7ffd00100000-7ffd00102000 r-xp 00000000 00:00 0 [vdso]
"""


def test_only_readable_unwritable_mappings_of_files_on_disk_are_listed() -> None:
    mappings = read_only_file_mappings(MAPS)
    assert [m.path.rsplit("/", 1)[1] for m in mappings] == [
        "python3.11",
        "libQt6Gui.so.6",
        "libQt6Gui.so.6",  # its writable part and its guard gap are not listed
        "libvlccore.so.9.0.1",
        "libQt6Svg.so.6.4.2",
        "My Font.ttf",  # a space in the name is kept
        "libQt6Core.so.6",
    ]
    assert mappings[1] == FileMapping(
        0x7F0000000000, 0x7F0000100000, "/venv/PySide6/Qt/lib/libQt6Gui.so.6"
    )


def test_selected_by_folder_or_name_but_never_by_the_never_list() -> None:
    picked = select_mappings(
        read_only_file_mappings(MAPS),
        folders=["/venv/PySide6"],
        name_prefixes=["libQt6"],
        never=lambda path: path.endswith("/libQt6Core.so.6"),
    )
    assert [m.path.rsplit("/", 1)[1] for m in picked] == [
        "libQt6Gui.so.6",
        "libQt6Gui.so.6",
        "libQt6Svg.so.6.4.2",
        "My Font.ttf",
    ]
    # A folder's name as the start of another's is not that folder.
    assert select_mappings(read_only_file_mappings(MAPS), folders=["/venv/PySide"]) == []


@pytest.mark.skipif(not supported(), reason="MADV_PAGEOUT: Linux 5.4 or later")
def test_the_kernel_takes_back_the_pages_of_a_selected_mapping(tmp_path: Path) -> None:
    data = tmp_path / "library.so"
    data.write_bytes(os.urandom(4 << 20))
    with data.open("rb") as f:
        os.fsync(f.fileno())
        view = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ)
    try:
        touched = sum(view[i] for i in range(0, len(view), mmap.PAGESIZE))
        assert touched >= 0
        assert resident_kb("self", lambda path: path == str(data)) >= 4000
        mappings = select_mappings(own_mappings(), folders=[str(tmp_path)])
        assert [m.path for m in mappings] == [str(data)]
        assert page_out(mappings) == 4 << 20
        assert resident_kb("self", lambda path: path == str(data)) < 400
        # Read again, the pages come back with what the file holds.
        assert view[:16] == data.read_bytes()[:16]
    finally:
        view.close()


def test_files_the_kernel_would_not_reclaim_are_not_counted(tmp_path: Path) -> None:
    # /proc's maps of a file that no longer exists (or one not ours): nothing asked for.
    gone = FileMapping(0x7F0000000000, 0x7F0000100000, str(tmp_path / "gone.so"))
    assert page_out([gone]) == 0


def test_only_files_the_kernel_reclaims_for_this_user_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kernel's own rule: the file's owner, or one who may write it (root may, always).
    mine = tmp_path / "mine.so"
    mine.write_bytes(b"x")
    owner = mine.stat().st_uid
    assert reclaimable(str(mine))
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)  # someone else ...
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)  # ... who may not write
    assert not reclaimable(str(mine))
    mapping = FileMapping(0x7F0000000000, 0x7F0000100000, str(mine))
    assert page_out([mapping]) == 0
