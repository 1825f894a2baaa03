"""Resident memory of a process's file mappings, read from /proc/PID/smaps (Linux)."""

from __future__ import annotations

from collections.abc import Callable


def resident_kb(pid: int | str, wanted: Callable[[str], bool]) -> int:
    """Resident kB of the mappings of files whose path ``wanted`` accepts, in process
    ``pid`` ("self" for this one)."""
    total, inside = 0, False
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="surrogateescape") as smaps:
        for line in smaps:
            fields = line.split(maxsplit=5)
            if "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:  # a mapping
                inside = len(fields) == 6 and wanted(fields[5].rstrip("\n"))
            elif inside and fields[0] == "Rss:":
                total += int(fields[1])
    return total
