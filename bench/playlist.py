"""Child process: a 10,000-track playlist: save, load, table model, filter. Prints JSON.

Run as ``python -m bench.playlist --runs 5 --dir DIR`` (the orchestrator sets
QT_QPA_PLATFORM=offscreen). Uses the app's own code: ``library_io`` + ``storage`` to write and
load, ``ui.track_model`` (TrackTableModel + TrackFilterProxy) for the table. Every figure is a
median over ``--runs`` repetitions, in milliseconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sleepplayer.core.library_io import library_from_dict, library_to_dict
from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.core.storage import atomic_write_json, load_json

T = TypeVar("T")

N_TRACKS = 10_000
#: Filter queries: a common word, two words, an artist, a rare word, no match, one letter.
QUERIES = ("rain", "soft whisper", "luna", "tapping 77", "zzzqx", "e")
#: Typed one key at a time, as a user filters as they type.
TYPED = "whisper"

_WORDS = (
    "rain", "whisper", "soft", "tapping", "brushing", "ocean", "fan", "crinkle", "page",
    "turning", "fireplace", "night", "forest", "heartbeat", "humming", "scratching", "gentle",
    "binaural", "ear", "cleaning", "massage", "tea", "library", "storm", "train", "cabin",
)  # fmt: skip
_ARTISTS = tuple(
    f"{a} {b}"
    for a in ("Luna", "Quiet", "Velvet", "Sleepy", "Moss", "Dusk", "Amber", "Nox")
    for b in ("ASMR", "Whispers", "Sounds", "Tingles", "Nights")
)


def make_library(n: int = N_TRACKS) -> Library:
    rng = random.Random(42)
    tracks: list[Track] = []
    for i in range(n):
        artist = rng.choice(_ARTISTS)
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 5))).capitalize()
        title = f"{title} {i % 100:02d}"
        name = title.replace(" ", "%20")
        tracks.append(
            Track(
                uri=f"file:///home/user/Music/ASMR/{artist.replace(' ', '%20')}/{name}.opus",
                title=title if i % 10 else "",  # some untagged files: title from the file name
                artist=artist,
                duration_ms=rng.randint(60_000, 3 * 3_600_000),
            )
        )
    playlist = Playlist(name="Everything", tracks=tracks)
    return Library(playlists=[playlist], current_uid=playlist.uid)


def timed_ms(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t0) * 1000, result


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_storage(workdir: Path, runs: int) -> dict[str, Any]:
    lib = make_library()
    path = workdir / "library.json"
    write_ms = []
    for _ in range(runs):
        ms, _r = timed_ms(lambda: atomic_write_json(path, library_to_dict(lib)))
        write_ms.append(ms)
    load_ms, parse_ms, total_ms = [], [], []
    loaded: Library | None = None
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        result = load_json(path)
        t1 = time.perf_counter()
        assert result.data is not None, result.problem
        loaded, problems = library_from_dict(result.data)
        t2 = time.perf_counter()
        assert not problems, problems[:3]
        load_ms.append((t1 - t0) * 1000)
        parse_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
    assert loaded is not None and len(loaded.playlists[0].tracks) == N_TRACKS
    return {
        "file_kb": path.stat().st_size / 1024,
        "write_ms": median(write_ms),
        "load_json_ms": median(load_ms),
        "from_dict_ms": median(parse_ms),
        "load_total_ms": median(total_ms),
    }


def bench_model(runs: int) -> dict[str, Any]:
    try:
        from PySide6.QtWidgets import QApplication

        from sleepplayer.services.library import LibraryService
        from sleepplayer.ui.track_model import TrackFilterProxy, TrackTableModel
    except ImportError as exc:
        return {"error": f"table model not available yet: {exc}"}

    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    service = LibraryService(make_library())
    uid = service.library.playlists[0].uid

    def set_filter(proxy: Any, text: str) -> int:
        if hasattr(proxy, "set_filter_text"):
            proxy.set_filter_text(text)
        else:
            proxy.setFilterFixedString(text)
        # rowCount forces the proxy to have applied the filter (it does so synchronously).
        return int(proxy.rowCount())

    def build() -> tuple[Any, Any]:
        model = TrackTableModel(service)
        model.set_playlist(uid)
        proxy = TrackFilterProxy()
        proxy.setSourceModel(model)
        assert proxy.rowCount() == N_TRACKS
        return model, proxy

    build_ms: list[float] = []
    prepare_ms: list[float] = []
    cold_ms: list[float] = []
    keep: list[tuple[Any, Any]] = []
    for _ in range(runs):
        gc.collect()
        ms, built = timed_ms(build)
        build_ms.append(ms)
        model, proxy = built
        keep.append((model, proxy))
        # What the filter box's focus does before the first key (the search text).
        ms, _n = timed_ms(model.prepare_search)
        prepare_ms.append(ms)
        ms, _n = timed_ms(partial(set_filter, proxy, QUERIES[0]))
        cold_ms.append(ms)

    model, proxy = keep[-1]
    per_query: dict[str, dict[str, float]] = {}
    for query in (*QUERIES, ""):
        times = []
        rows = 0
        for _ in range(runs):
            set_filter(proxy, "a" if query == "" else "")  # start from another state
            ms, rows = timed_ms(partial(set_filter, proxy, query))
            times.append(ms)
        per_query[query or "(clear)"] = {"ms": median(times), "rows": rows}

    typed_max: list[float] = []
    typed_total: list[float] = []
    for _ in range(runs):
        set_filter(proxy, "")
        steps = [timed_ms(partial(set_filter, proxy, TYPED[:i]))[0] for i in range(1, 8)]
        typed_max.append(max(steps))
        typed_total.append(sum(steps))

    # A plain QTableView on the proxy, shown offscreen: first paint of the visible rows.
    from PySide6.QtWidgets import QTableView

    set_filter(proxy, "")
    paint_ms: list[float] = []
    for _ in range(runs):
        view = QTableView()
        view.resize(900, 600)

        def show_and_paint(v: QTableView = view) -> None:
            v.setModel(proxy)
            v.show()
            v.grab()

        ms, _r = timed_ms(show_and_paint)
        paint_ms.append(ms)
        view.close()
        view.deleteLater()
        app.processEvents()

    return {
        "build_ms": median(build_ms),
        "prepare_ms": median(prepare_ms),
        "cold_filter_ms": median(cold_ms),
        "filter": per_query,
        "typed_key_max_ms": median(typed_max),
        "typed_total_ms": median(typed_total),
        "view_first_paint_ms": median(paint_ms),
    }


def bench_m3u8_import(workdir: Path, runs: int) -> dict[str, Any]:
    """Issue 4: import a 10,000-entry M3U8 (read + parse + policy + tracks), as the app does."""
    from sleepplayer.core import playlist_io

    lib = make_library()
    path = workdir / "big.m3u8"
    entries = playlist_io.entries_from_tracks(lib.playlists[0].tracks)
    path.write_bytes(playlist_io.write_playlist(entries, "m3u8", playlist_path=path))
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        imported = playlist_io.read_playlist(path.read_bytes(), name=path.name, base=path.as_uri())
        tracks = [playlist_io.track_for_entry(e) for e in imported.entries]
        times.append((time.perf_counter() - t0) * 1000)
        assert len(tracks) == N_TRACKS, (len(tracks), imported.refused[:3])
    return {"import_ms": median(times), "file_kb": path.stat().st_size / 1024}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.playlist")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"tracks": N_TRACKS, "runs": args.runs}
    out["storage"] = bench_storage(args.dir, args.runs)
    out["model"] = bench_model(args.runs)
    out["m3u8"] = bench_m3u8_import(args.dir, args.runs)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
