"""Giving back a file mapping's resident pages: which mappings, and that the kernel does it."""

from __future__ import annotations

import mmap
import os
from pathlib import Path

from sleepplayer.desktop.page_out import (
    Mapping,
    chosen,
    own_mappings,
    page_out,
    read_only_file_mappings,
)

MAPS = """\
55d0c0000000-55d0c0021000 r--p 00000000 08:01 100 /usr/bin/python3.11
7f0000000000-7f0000100000 r-xp 00010000 08:01 200 /venv/site-packages/PySide6/Qt/lib/libQt6Core.so.6
7f0000100000-7f0000110000 r--p 00110000 08:01 200 /venv/site-packages/PySide6/Qt/lib/libQt6Core.so.6
7f0000110000-7f0000112000 rw-p 00120000 08:01 200 /venv/site-packages/PySide6/Qt/lib/libQt6Core.so.6
7f0000200000-7f0000300000 r-xp 00010000 08:01 300 /usr/lib/x86_64-linux-gnu/libvlccore.so.9.0.1
7f0000300000-7f0000400000 r-xp 00010000 08:01 301 /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0
7f0000400000-7f0000500000 rw-p 00000000 00:00 0
7f0000500000-7f0000600000 r--s 00000000 00:01 5 /memfd:xorg (deleted)
7f0000600000-7f0000700000 r-xp 00000000 08:01 400 /tmp/gone.so (deleted)
7f0000700000-7f0000800000 r--p 00000000 08:01 500 /usr/share/fonts/truetype/My Font.ttf
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
7ffd00100000-7ffd00102000 r-xp 00000000 00:00 0 [vdso]
"""


def test_only_read_only_mappings_of_files_on_disk_are_listed() -> None:
    mappings = read_only_file_mappings(MAPS)
    assert [m.path for m in mappings] == [
        "/usr/bin/python3.11",
        "/venv/site-packages/PySide6/Qt/lib/libQt6Core.so.6",
        "/venv/site-packages/PySide6/Qt/lib/libQt6Core.so.6",
        "/usr/lib/x86_64-linux-gnu/libvlccore.so.9.0.1",
        "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0",
        "/usr/share/fonts/truetype/My Font.ttf",  # a space in the name is kept
    ]
    assert mappings[1] == Mapping(
        0x7F0000000000, 0x7F0000100000, "/venv/site-packages/PySide6/Qt/lib/libQt6Core.so.6"
    )


def test_chosen_by_folder_or_by_name_and_nothing_else() -> None:
    picked = chosen(read_only_file_mappings(MAPS), ["/venv/site-packages/PySide6"], ["libpython3"])
    assert [m.path.rsplit("/", 1)[1] for m in picked] == [
        "libQt6Core.so.6",
        "libQt6Core.so.6",
        "libpython3.11.so.1.0",
    ]
    # A folder's name as the start of another's is not that folder.
    assert chosen(read_only_file_mappings(MAPS), ["/venv/site-packages/PySide"], []) == []


def _resident_kb(path: Path) -> int:
    """Resident kB of this process's mappings of ``path`` (from /proc/self/smaps)."""
    total, inside = 0, False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            first = line.split(maxsplit=5)
            if "-" in first[0] and len(first) >= 5 and ":" in first[3]:  # a mapping's header
                inside = len(first) == 6 and first[5].strip() == str(path)
            elif inside and first[0] == "Rss:":
                total += int(first[1])
    return total


def test_the_kernel_takes_back_the_pages_of_a_chosen_mapping(tmp_path: Path) -> None:
    data = tmp_path / "library.so"
    data.write_bytes(os.urandom(4 << 20))
    with data.open("rb") as f:
        os.fsync(f.fileno())
        view = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ)
    try:
        touched = sum(view[i] for i in range(0, len(view), mmap.PAGESIZE))
        assert touched >= 0
        assert _resident_kb(data) >= 4000
        mappings = chosen(own_mappings(), [str(tmp_path)], [])
        assert [m.path for m in mappings] == [str(data)]
        assert page_out(mappings) == 4 << 20
        assert _resident_kb(data) < 400
        # Read again, the pages come back with what the file holds.
        assert view[:16] == data.read_bytes()[:16]
    finally:
        view.close()
