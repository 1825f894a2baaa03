"""A long pause lets go of the sound device, heard through a real PulseAudio null sink.

The controller plays a file on real libVLC whose two channels tell where in the file a sound
came from: the left channel is a steady tone, the right one the same tone at a gain that rises
linearly with the position, so right / left read in any 10 ms block gives the position, whatever
the volume. After the (here short) pause-release delay the app's playback stream must be gone
from PulseAudio while nothing changes for the controller, and play must bring the sound back at
the paused position, never louder than it was.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, Track
from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from tests.helpers.audio import RATE, write_wav
from tests.helpers.desktop_env import PulseAudio, level_db, live_recording, recorded_db
from tests.helpers.http_servers import Icy, LoopbackServer, make_mp3

pytestmark = pytest.mark.integration

RELEASE_MS = 1000
WAIT_MS = 15_000
RAMP_S = 60.0
AMPLITUDE = 0.5
#: The right channel's gain goes from FLOOR at 0 s to 1.0 at the end.
FLOOR = 0.05
BLOCK = RATE // 100  # 10 ms
AUDIBLE_DB = -60.0


def make_position_ramp(path: Path) -> Path:
    t = np.arange(int(RAMP_S * RATE), dtype=np.float64) / RATE
    left = AMPLITUDE * np.sin(2 * math.pi * 440 * t)
    right = left * (FLOOR + (1 - FLOOR) * t / RAMP_S)
    return write_wav(path, np.stack([left, right], axis=1))


def blocks(samples: npt.NDArray[np.float64]) -> list[tuple[float, float]]:
    """(level of the left channel in dBFS, position in the file in ms) per 10 ms block;
    the position is NaN where there is no sound to read it from."""
    frames = samples[: len(samples) // 2 * 2].reshape(-1, 2)
    found: list[tuple[float, float]] = []
    for i in range(len(frames) // BLOCK):
        block = frames[i * BLOCK : (i + 1) * BLOCK]
        left_db = level_db(block[:, 0])
        position = math.nan
        if left_db > AUDIBLE_DB:
            ratio = level_db(block[:, 1]) - left_db
            position = ((10 ** (ratio / 20)) - FLOOR) / (1 - FLOOR) * RAMP_S * 1000
        found.append((left_db, position))
    return found


def our_sink_input(pulse: PulseAudio) -> str | None:
    """This process's playback stream in PulseAudio, as ``pactl list`` describes it."""
    for block in pulse.pactl("list", "sink-inputs").split("Sink Input #")[1:]:
        if f'application.process.id = "{os.getpid()}"' in block:
            return block
    return None


def our_stream(pulse: PulseAudio) -> str | None:
    """This process's playback stream in PulseAudio: "yes" if corked, "no" if not, or None."""
    for line in (our_sink_input(pulse) or "").splitlines():
        if line.strip().startswith("Corked:"):
            return line.split(":", 1)[1].strip()
    return None


def our_volume(pulse: PulseAudio) -> int | None:
    """Our playback stream's volume in PulseAudio, in raw units (65536 is 100 %)."""
    for line in (our_sink_input(pulse) or "").splitlines():
        if line.strip().startswith("Volume:"):
            return int(line.split(":")[2].split("/")[0])
    return None


def check_heard_from(heard: list[tuple[float, float]], position_ms: int) -> int:
    """The first sound is the file at ``position_ms`` and it goes on from there, without a jump;
    returns the first audible block."""
    audible = [i for i, (level, _) in enumerate(heard) if level > AUDIBLE_DB]
    assert audible, "no sound after play"
    first = audible[0]
    assert position_ms - 50 <= heard[first][1] <= position_ms + 100, (position_ms, heard[first])
    positions = [heard[i][1] for i in audible[1:150]]
    steps = np.diff(positions)
    assert np.all(np.abs(steps - 10) < 5), steps
    return first


def play_until_heard(qtbot: QtBot, pulse: PulseAudio, controller: PlaybackController) -> None:
    controller.play()
    qtbot.waitUntil(lambda: controller.state == PlayerState.PLAYING, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: recorded_db(pulse, 0.3) > -40, timeout=WAIT_MS)


@pytest.fixture
def pulse_env(pulse: PulseAudio, monkeypatch: pytest.MonkeyPatch) -> PulseAudio:
    for key, value in pulse.env.items():
        monkeypatch.setenv(key, value)
    return pulse


@pytest.fixture
def player(
    qapp: QApplication, pulse_env: PulseAudio, tmp_path: Path
) -> Iterator[tuple[PlaybackController, VlcBackend]]:
    ramp = make_position_ramp(tmp_path / "ramp.wav")
    backend = VlcBackend(aout="pulse", pause_release_ms=RELEASE_MS)
    library = LibraryService(Library([Playlist("P", [Track(uri=ramp.as_uri(), uid="t")], "p")]))
    controller = PlaybackController(backend, library)
    controller.set_volume(70)
    yield controller, backend
    controller.shutdown()
    backend.release()
    assert backend.thread_violations == []


def test_a_long_pause_closes_the_stream_and_play_continues_where_it_paused(
    qtbot: QtBot, pulse: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    controller, backend = player
    play_until_heard(qtbot, pulse, controller)
    qtbot.waitUntil(lambda: backend.position_ms() >= 3000, timeout=WAIT_MS)

    before = live_recording(pulse, qtbot)
    controller.pause()
    qtbot.waitUntil(lambda: controller.state == PlayerState.PAUSED, timeout=WAIT_MS)
    assert our_stream(pulse) == "yes"  # a short pause keeps the (corked) stream
    heard_before = [level for level, _ in blocks(before.stop_after(0.2))]
    playing_db = float(np.median([db for db in heard_before if db > AUDIBLE_DB]))
    paused_at = backend.position_ms()
    shown_at = controller.position_ms()

    seen: list[object] = []
    for signal in (
        controller.state_changed,
        controller.track_changed,
        controller.track_finished,
        controller.queue_finished,
        controller.problem,
    ):
        signal.connect(seen.append)

    qtbot.waitUntil(lambda: our_stream(pulse) is None, timeout=RELEASE_MS + WAIT_MS)
    assert backend.parked
    assert controller.state == PlayerState.PAUSED
    assert controller.position_ms() == shown_at
    assert backend.position_ms() == paused_at
    assert seen == []

    after = live_recording(pulse, qtbot)
    controller.play()
    qtbot.waitUntil(lambda: controller.state == PlayerState.PLAYING, timeout=WAIT_MS)
    resumed_from = after.recorded_s()
    qtbot.waitUntil(lambda: after.recorded_s() > resumed_from + 2.5, timeout=WAIT_MS)
    heard = blocks(after.stop_after(0))
    assert our_stream(pulse) == "no"
    assert seen == [PlayerState.PLAYING]

    # The paused position (libVLC's), and on from there ...
    check_heard_from(heard, paused_at)
    # ... never louder than before the pause (the first block may be partly silent).
    loudest = max(level for level, _ in heard)
    assert loudest <= playing_db + 0.5, (loudest, playing_db)


def test_a_restored_position_is_heard_from_there_and_nothing_before_it(
    qtbot: QtBot, pulse: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    # Last night's position: on PulseAudio the input itself begins there (the stream is not
    # held behind the equalizer to be sought). A plain :start-time let 10-25 ms of the file's
    # start through first under load (a probe: 5 of 8 starts).
    controller, _backend = player
    controller.restore("p", "t", 20_000)
    recording = live_recording(pulse, qtbot)
    mark = recording.recorded_s()
    controller.play()
    qtbot.waitUntil(lambda: recording.recorded_s() > mark + 2.5, timeout=WAIT_MS)
    heard = blocks(recording.stop_after(0))[int(mark * 100) :]
    first = check_heard_from(heard, 20_000)
    assert first * 10 <= 600, f"first sound {first * 10} ms after play"


def test_the_sound_server_keeps_sleepplayers_volume_under_its_own_name(
    qtbot: QtBot, pulse: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    # Under libVLC's default media role ("video") it was kept for every video player, which
    # then started at a fade's low point or at the 0 set before a paused player stops.
    controller, _backend = player
    play_until_heard(qtbot, pulse, controller)
    ours = our_sink_input(pulse)
    assert ours is not None and "media.role" not in ours
    key = 'module-stream-restore.id = "sink-input-by-application-id:io.github.sleepplayer.'
    assert key in ours


def test_letting_go_of_the_sound_device_makes_no_sound(
    qtbot: QtBot, pulse: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    # Stopping a paused stream made PulseAudio play what it held: 10-20 ms at the playing
    # level, heard in the night 20 s after the sleep timer paused.
    controller, backend = player
    play_until_heard(qtbot, pulse, controller)
    recording = live_recording(pulse, qtbot)
    paused_at_s = recording.recorded_s()
    controller.pause()
    qtbot.waitUntil(lambda: our_stream(pulse) is None, timeout=RELEASE_MS + WAIT_MS)
    assert backend.parked and controller.state == PlayerState.PAUSED
    parked_at_s = recording.recorded_s()
    qtbot.waitUntil(lambda: recording.recorded_s() > parked_at_s + 1.0, timeout=WAIT_MS)
    samples = recording.stop_after(0)
    heard = blocks(samples)
    assert max(level for level, _ in heard[: int(paused_at_s * 100)]) > AUDIBLE_DB  # it played
    # From half a second after the pause (its own tail and the recording's latency) on.
    after_pause = [level for level, _ in heard[int(paused_at_s * 100) + 50 :]]
    assert max(after_pause) <= AUDIBLE_DB, max(after_pause)


def test_a_volume_raised_while_pausing_waits_for_the_pause(
    qtbot: QtBot, pulse: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    # The sleep timer pauses at gain 0 and gives the gain back at once. libVLC pauses on its
    # own thread a few ms later; the raise must not reach the still playing stream (heard at
    # a null sink in 1 of 5 such ends: 10 ms at -16 dBFS, in the night).
    controller, _backend = player
    play_until_heard(qtbot, pulse, controller)
    controller.set_fade_gain(0.0)
    qtbot.waitUntil(lambda: our_volume(pulse) == 0, timeout=WAIT_MS)
    recording = live_recording(pulse, qtbot)
    paused_at_s = recording.recorded_s()
    controller.pause()
    controller.set_fade_gain(1.0)
    # No events handled yet: whether or not libVLC has paused, the stream is still silent.
    assert our_volume(pulse) == 0
    qtbot.waitUntil(lambda: controller.state == PlayerState.PAUSED, timeout=WAIT_MS)
    # Once paused, the volume is back, ready for the next play.
    qtbot.waitUntil(lambda: (our_volume(pulse) or 0) > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: recording.recorded_s() > paused_at_s + 1.0, timeout=WAIT_MS)
    after_pause = [level for level, _ in blocks(recording.stop_after(0))]
    assert max(after_pause[int(paused_at_s * 100) - 10 :]) <= AUDIBLE_DB, max(after_pause)


def test_a_paused_live_stream_keeps_its_sound_stream(
    qapp: QApplication, qtbot: QtBot, pulse_env: PulseAudio, tmp_path: Path
) -> None:
    """A live stream cannot continue where it paused: it keeps its output as before."""
    mp3 = make_mp3(tmp_path / "radio.mp3", 4.0, 440)
    with LoopbackServer({"/radio": Icy(mp3.read_bytes(), 128_000)}) as server:
        backend = VlcBackend(aout="pulse", pause_release_ms=300)
        try:
            backend.load(server.url("/radio"))
            with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):
                backend.play()
            backend.pause()
            qtbot.waitUntil(lambda: backend.state() == PlayerState.PAUSED, timeout=WAIT_MS)
            qtbot.wait(1000)  # past the release delay: nothing may happen
            assert not backend.parked
            assert our_stream(pulse_env) == "yes"
            with qtbot.waitSignal(backend.state_changed, timeout=WAIT_MS):
                backend.play()
            assert backend.state() == PlayerState.PLAYING
        finally:
            backend.release()
