"""A fresh start and a track change are heard at once, through a real PulseAudio null sink.

On PulseAudio each start's stream is made at the set volume (elsewhere the equalizer holds the
sound at about -83 dB until libVLC has taken the volume). Ending that equalizer guard without a
seek made PulseAudio play over a second of zeros (the stream corked), so users heard nothing
for 1.5-2.9 s after play or a track change. The tracks
here are steady Opus tones (whole periods in every 10 ms block), played as a built-in sound
(a looped WAV copy) and as a user's file (the Opus itself), so any gap, any jump in level and
any sound above the set volume shows in the recording.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer.core.model import Library, Playlist, RepeatMode, Track
from sleepplayer.playback import start_guard
from sleepplayer.playback.backend import PlayerState
from sleepplayer.playback.vlc_backend import VlcBackend
from sleepplayer.services.controller import PlaybackController
from sleepplayer.services.library import LibraryService
from tests.helpers.audio import encode_opus, make_tone
from tests.helpers.desktop_env import PulseAudio, Recording, StreamLog, level_db, live_recording

pytestmark = pytest.mark.integration

WAIT_MS = 15_000
VOLUME = 60
AMPLITUDE = 0.5
BLOCK = 480  # 10 ms at 48 kHz
AUDIBLE_DB = -60.0
#: The tone counts as arrived at this level (the set volume puts it at about -22 dBFS).
TONE_ARRIVED_DB = -40.0
#: Sound must come within this of play() or of the track change ...
FIRST_SOUND_MS = 600
#: ... and then no silence longer than this in the first 3 s. Usually there is none; on a
#: loaded machine PulseAudio sometimes corks the stream for up to 0.6 s right at the guard's
#: seek (about 1 start in 5 under make test's load; libVLC logs "playback way too late:
#: flushing buffers", then "way too early: playing silence"). The bug this test guards
#: against is 1.0-1.9 s of zeros after every start.
LONGEST_SILENCE_MS = 700
#: Above the steady level allowed at a start (see check_start).
SPIKE_DB = 2.0


def tone_db(samples: npt.NDArray[np.float64], freq: int) -> list[float]:
    """Level of the ``freq`` tone in each 10 ms block of the left channel, in dBFS (RMS).

    Each tone has whole periods in a block, so the other track's tone (the tail of the one a
    track change left) does not count."""
    left = samples[: len(samples) // 2 * 2].reshape(-1, 2)[:, 0]
    count = len(left) // BLOCK
    phase = 2 * math.pi * freq * np.arange(BLOCK) / 48_000
    found = []
    for i in range(count):
        block = left[i * BLOCK : (i + 1) * BLOCK]
        a = 2 * float(np.dot(block, np.cos(phase))) / BLOCK
        b = 2 * float(np.dot(block, np.sin(phase))) / BLOCK
        found.append(level_db(np.array([math.hypot(a, b) / math.sqrt(2)])))
    return found


def heard_after(qtbot: QtBot, recording: Recording, mark_s: float) -> npt.NDArray[np.float64]:
    """3.5 s of the recording from ``mark_s``: the amount recorded when the command was given,
    so the sound server's latency counts as gap."""
    qtbot.waitUntil(lambda: recording.recorded_s() > mark_s + 3.5, timeout=WAIT_MS)
    return recording.stop_after(0)[int(mark_s * 100) * BLOCK * 2 :]


def check_start(samples: npt.NDArray[np.float64], freq: int, what: str) -> None:
    tone = tone_db(samples, freq)
    frames = samples[: len(samples) // 2 * 2].reshape(-1, 2)
    level = [level_db(frames[i * BLOCK : (i + 1) * BLOCK]) for i in range(len(tone))]
    # The new tone, well clear of the splatter of a previous track cut off mid-block.
    arrived = [i for i, db in enumerate(tone) if db > TONE_ARRIVED_DB]
    assert arrived, f"{what}: no sound"
    first = arrived[0]
    assert first * 10 <= FIRST_SOUND_MS, f"{what}: first sound {first * 10} ms after"
    longest = run = 0
    for db in level[first : first + 300]:  # anything heard counts as sound here
        run = run + 1 if db <= AUDIBLE_DB else 0
        longest = max(longest, run)
    assert longest * 10 <= LONGEST_SILENCE_MS, f"{what}: {longest * 10} ms of silence"
    # At the set volume from the first block on: no click, no spike, nothing lost.
    window = tone[first : first + 300]
    expected = level_db(np.array([AMPLITUDE / math.sqrt(2) * (VOLUME / 100) ** 3]))
    steady = float(np.median(window[100:]))
    assert abs(steady - expected) < 1.0, f"{what}: steady {steady:.1f} dB, not {expected:.1f}"
    # A volume spike (what the guard exists for) would be +14 dB here: volume 100 instead of
    # 70. Within 2 dB is the decoder: after the guard's seek an Opus file played directly
    # starts 0.7-1.6 dB above its steady level for about 50 ms (measured; opusdec shows a
    # steady level from the first block, so it is libVLC's decoder restart after the seek).
    assert max(window) <= steady + SPIKE_DB, (what, steady, [round(x, 2) for x in window[:12]])


@pytest.fixture
def tones(tmp_path: Path) -> list[Path]:
    made = []
    for freq in (500, 600):  # whole periods in each 10 ms block: a steady level per block
        wav = make_tone(tmp_path / f"{freq}.wav", 20.0, freq, AMPLITUDE)
        made.append(encode_opus(wav, tmp_path / f"{freq}.opus"))
    return made


@pytest.fixture(params=["stream-restore", "no stream-restore"])
def pulse_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> PulseAudio:
    """A desktop's server, and one without stream-restore, where each new stream starts at
    100 %: when the guard's end restarted libVLC's output (a second stream), a trial heard
    5-15 ms at full level at a third of the track changes there."""
    fixture = "pulse" if request.param == "stream-restore" else "bare_pulse"
    pulse: PulseAudio = request.getfixturevalue(fixture)
    for key, value in pulse.env.items():
        monkeypatch.setenv(key, value)
    return pulse


def make_player(
    tones: list[Path], tmp_path: Path, *, builtin: bool
) -> tuple[PlaybackController, VlcBackend]:
    backend = VlcBackend(aout="pulse", loop_cache_dir=tmp_path / "loops")
    tracks = [Track(uri=tone.as_uri(), uid=tone.stem) for tone in tones]
    library = LibraryService(Library([Playlist("P", tracks, "p", builtin=builtin)]))
    controller = PlaybackController(backend, library)
    controller.set_volume(VOLUME)
    return controller, backend


@pytest.fixture(params=["built-in loop", "user file"])
def player(
    request: pytest.FixtureRequest,
    qapp: QApplication,
    pulse_env: PulseAudio,
    tones: list[Path],
    tmp_path: Path,
) -> Iterator[tuple[PlaybackController, VlcBackend]]:
    controller, backend = make_player(tones, tmp_path, builtin=request.param == "built-in loop")
    yield controller, backend
    controller.shutdown()
    backend.release()
    assert backend.thread_violations == []


def test_a_fresh_start_and_a_track_change_are_heard_at_once(
    qtbot: QtBot, pulse_env: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    controller, _ = player

    recording = live_recording(pulse_env, qtbot)
    mark = recording.recorded_s()
    controller.play()
    check_start(heard_after(qtbot, recording, mark), 500, "start")
    assert controller.state == PlayerState.PLAYING

    recording = live_recording(pulse_env, qtbot)
    mark = recording.recorded_s()
    controller.next()
    check_start(heard_after(qtbot, recording, mark), 600, "track change")
    assert controller.current_track is not None and controller.current_track.uid == "600"


def test_a_start_at_a_position_begins_there_at_once(
    qtbot: QtBot, pulse_env: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    """The last session's position: the controller hands it to the engine with the media."""
    controller, backend = player
    controller.restore("p", "500", 12_000)
    recording = live_recording(pulse_env, qtbot)
    mark = recording.recorded_s()
    controller.play()
    check_start(heard_after(qtbot, recording, mark), 500, "restored start")
    assert 14_000 <= backend.position_ms() <= 17_000, backend.position_ms()


@pytest.mark.parametrize("pulse_env", ["no stream-restore"], indirect=True)
def test_each_start_makes_one_stream_and_the_guards_end_keeps_it(
    qtbot: QtBot, pulse_env: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    # A second stream would start at 100 % on this server: the volume would then race the
    # sound. Removing the guard's equalizer made one at every start (restarting libVLC's
    # output), and one 10 ms block in 50-100 track changes was heard 3-9 dB too loud.
    controller, backend = player
    streams = StreamLog(pulse_env)
    try:
        with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):  # the guard's end
            controller.play()
        assert len(streams.made()) == 1, streams.made()
        with qtbot.waitSignal(backend.audio_output_changed, timeout=WAIT_MS):
            controller.next()
        assert len(streams.made()) == 2, streams.made()
    finally:
        streams.stop()


@pytest.mark.parametrize("pulse_env", ["no stream-restore"], indirect=True)
def test_each_stream_is_made_at_the_set_volume_and_heard_at_once(
    qtbot: QtBot,
    pulse_env: PulseAudio,
    player: tuple[PlaybackController, VlcBackend],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PulseAudio makes a stream with the volume given before it, so nothing needs to hold the
    # start (the equalizer guard elsewhere holds it for start_guard.PREROLL_MS, made long
    # here), and libVLC's equalizer does not run: it cost 0.2-0.6 % of a core all night.
    monkeypatch.setattr(start_guard, "PREROLL_MS", 2000)
    controller, _ = player
    streams = StreamLog(pulse_env)
    try:
        for command, freq, count in ((controller.play, 500, 1), (controller.next, 600, 2)):
            recording = live_recording(pulse_env, qtbot)
            mark = recording.recorded_s()
            command()
            qtbot.waitUntil(lambda: len(streams.made()) == count, timeout=WAIT_MS)  # noqa: B023
            assert pulse_env.stream_volume(streams.made()[-1]) == VOLUME
            # Heard within FIRST_SOUND_MS, at the set volume from its first block.
            check_start(heard_after(qtbot, recording, mark), freq, f"start {count}")
    finally:
        streams.stop()


@pytest.mark.parametrize("pulse_env", ["no stream-restore"], indirect=True)
def test_track_changes_never_sound_louder_on_a_server_without_stream_restore(
    qtbot: QtBot, pulse_env: PulseAudio, player: tuple[PlaybackController, VlcBackend]
) -> None:
    # The trial: on such a server, a third of the track changes began with 5-15 ms at full
    # level (there 60 dB above the set volume). Each change here is checked block by block.
    controller, _ = player
    controller.set_repeat(RepeatMode.ALL)
    controller.play()
    qtbot.waitUntil(lambda: controller.state == PlayerState.PLAYING, timeout=WAIT_MS)
    for change in range(6):
        recording = live_recording(pulse_env, qtbot)
        mark = recording.recorded_s()
        controller.next()
        freq = 600 if change % 2 == 0 else 500
        check_start(heard_after(qtbot, recording, mark), freq, f"track change {change + 1}")
