"""CPU time and memory of a process (and its live descendants) from /proc."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class CpuSample:
    wall: float  # time.monotonic()
    cpu: float  # seconds of user + system time


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name may contain spaces and parentheses; everything after the last ')' is safe.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int, *, reaped_children: bool = True) -> float:
    """utime + stime of ``pid``; with ``reaped_children`` also its waited-for children's."""
    fields = _stat_fields(pid)
    # After "pid (comm) ": state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14.
    total = int(fields[11]) + int(fields[12])
    if reaped_children:
        total += int(fields[13]) + int(fields[14])
    return total / _TICK


def descendants(pid: int) -> list[int]:
    """Live descendants of ``pid`` (children, grandchildren, ...)."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            parent_of[int(entry)] = int(_stat_fields(int(entry))[1])
        except (OSError, ValueError, IndexError):
            continue
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        kids = [child for child, parent in parent_of.items() if parent == current]
        found.extend(kids)
        frontier.extend(kids)
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` plus its live descendants (and their reaped children)."""
    total = cpu_seconds(pid)
    for child in descendants(pid):
        try:
            total += cpu_seconds(child)
        except (OSError, ValueError):
            continue  # exited between listing and reading
    return total


def sample(pid: int, wall: float) -> CpuSample:
    return CpuSample(wall, tree_cpu_seconds(pid))


def percent_of_core(start: CpuSample, end: CpuSample) -> float:
    """Average CPU between two samples, in % of one core."""
    span = end.wall - start.wall
    return 100.0 * (end.cpu - start.cpu) / span if span > 0 else 0.0


@dataclass(frozen=True)
class Memory:
    rss_mb: float  # resident set size
    pss_mb: float  # proportional set size: shared libraries split between their users
    hwm_mb: float  # peak RSS so far


def memory(pid: int) -> Memory:
    """RSS, PSS and peak RSS of ``pid``, in MiB."""
    status: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            status[key] = int(value.split()[0]) / 1024
    pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
                break
    except OSError:
        pss = float("nan")
    return Memory(status.get("VmRSS", float("nan")), pss, status.get("VmHWM", float("nan")))


def statm_rss_mb(pid: int) -> float:
    """RSS from /proc/PID/statm, cheap enough to poll."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE / (1024 * 1024)


def run_seconds(pid: int, tid: int | None = None) -> float:
    """Time on a CPU from the scheduler (/proc/.../schedstat, nanoseconds, not 10 ms ticks):
    of thread ``tid`` of ``pid``, or of all its live threads when ``tid`` is None."""
    tids = [tid] if tid is not None else [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    total = 0
    for t in tids:
        try:
            total += int(Path(f"/proc/{pid}/task/{t}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # the thread exited between listing and reading
    return total / 1e9


def wakeups(pid: int, tid: int | None = None) -> int:
    """Voluntary context switches of thread ``tid`` (default: the main thread): each one is a
    sleep that ended in a wake-up, so their rate is the thread's wake-ups per second."""
    status = Path(f"/proc/{pid}/task/{tid or pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("voluntary_ctxt_switches:"):
            return int(line.split()[1])
    return 0
