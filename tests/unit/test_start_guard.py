"""When a guarded start lets its sound through (``playback.start_guard``), on a fake clock."""

from __future__ import annotations

from sleepplayer.playback.start_guard import (
    HELD_WAIT_MS,
    NO_SOUND_MS,
    PREROLL_MS,
    VOLUME_CONFIRM_MS,
    VOLUME_REPORT_WAIT_MS,
    StartGuard,
)
from tests.helpers.fake_clock import FakeClock


def started(clock: FakeClock, start_ms: int = 0) -> StartGuard:
    guard = StartGuard(clock)
    guard.begin(start_ms)
    return guard


def test_nothing_is_applied_before_the_volume_was_asked_for() -> None:
    clock = FakeClock()
    guard = started(clock)
    assert guard.must_ask(60)
    clock.now += 10
    assert not guard.volume_applied(60)


def test_it_holds_until_the_output_reports_the_volume_asked_for() -> None:
    # PulseAudio: a new stream starts at the volume the previous one ended with (100 here),
    # and takes a new one a millisecond or two after libVLC accepted it.
    clock = FakeClock()
    guard = started(clock)
    guard.asked(60)
    assert not guard.must_ask(60)
    guard.output_reported_volume()
    assert not guard.volume_applied(100)
    clock.now += 0.002
    guard.output_reported_volume()
    assert guard.volume_applied(60)
    assert guard.volume_applied(59)  # the output's rounding


def test_an_output_that_reports_nothing_has_the_volume_after_a_while() -> None:
    # amem and ALSA apply the volume inside libVLC, to the next block, and say nothing.
    clock = FakeClock()
    guard = started(clock)
    guard.asked(60)
    clock.now += (VOLUME_CONFIRM_MS - 1) / 1000
    assert not guard.volume_applied(0)
    clock.now += 0.002
    assert guard.volume_applied(0)


def test_an_output_that_reports_volumes_gets_longer_to_report_this_one() -> None:
    # PulseAudio on a loaded machine: ending the guard at the old volume is the spike.
    clock = FakeClock()
    guard = started(clock)
    guard.output_reported_volume()  # the stream's first volume (stream-restore's)
    guard.asked(60)
    clock.now += 0.5
    assert not guard.volume_applied(100)
    clock.now += VOLUME_REPORT_WAIT_MS / 1000
    assert guard.volume_applied(100)  # not never: a silent night is no better


def test_a_ramping_volume_does_not_move_the_deadline() -> None:
    # The quiet start raises the volume every 50 ms; each new value is asked for again.
    clock = FakeClock()
    guard = started(clock)
    for volume in range(10, 60, 5):
        assert guard.must_ask(volume)
        guard.asked(volume)
        clock.now += 0.05
    assert clock.now - 1000.0 > VOLUME_CONFIRM_MS / 1000
    assert guard.volume_applied(0)


def test_a_low_volume_needs_a_report_made_after_it_was_asked_for() -> None:
    # 0 is also what an output that has not reported yet reads.
    clock = FakeClock()
    guard = started(clock)
    guard.asked(0)
    assert not guard.volume_applied(0)
    guard.output_reported_volume()
    assert guard.volume_applied(0)


def test_a_report_before_the_ask_does_not_count_for_it() -> None:
    clock = FakeClock()
    guard = started(clock)
    guard.output_reported_volume()  # the stream's first volume, before anything was asked
    guard.asked(1)
    assert not guard.volume_applied(0)


def test_a_volume_changed_during_the_guard_is_asked_for_again() -> None:
    clock = FakeClock()
    guard = started(clock)
    guard.asked(60)
    guard.output_reported_volume()
    assert guard.must_ask(40)
    guard.asked(40)
    assert not guard.volume_applied(60)
    guard.output_reported_volume()
    assert guard.volume_applied(40)


def test_the_preroll_and_the_start_position() -> None:
    clock = FakeClock()
    guard = started(clock, start_ms=5000)
    assert guard.active and guard.start_ms == 5000 and not guard.stream_exists
    clock.now += (PREROLL_MS - 1) / 1000
    assert not guard.preroll_done()
    clock.now += 0.002
    assert guard.preroll_done()
    guard.end()
    assert not guard.active


def test_a_new_start_forgets_the_last_ones_volume() -> None:
    clock = FakeClock()
    guard = started(clock)
    guard.asked(60)
    guard.output_reported_volume()
    guard.stream_exists = True
    guard.begin()
    assert guard.must_ask(60) and not guard.stream_exists
    assert not guard.volume_applied(60)


def test_an_output_known_to_apply_the_volume_at_once_does_not_wait() -> None:
    guard = StartGuard(FakeClock(), volume_at_once=True)
    guard.begin()
    assert not guard.volume_applied(0)
    guard.asked(60)
    assert guard.volume_applied(0)


def test_after_a_track_change_only_the_new_streams_report_counts() -> None:
    # PulseAudio makes a new stream at each start; libVLC reads the last stream's volume (the
    # target, after a track change) until the new one reports its own (100 % on a server
    # without stream-restore). Ending on that reading let a block through 45 dB loud.
    clock = FakeClock()
    guard = started(clock)
    guard.output_reported_volume()  # the last stream's, queued before this start's device
    guard.device_reported()
    guard.asked(60)
    assert not guard.volume_applied(60), "libVLC still reads the last stream's 60"
    guard.output_reported_volume()  # this stream: at 100 % first, then 60
    assert not guard.volume_applied(100)
    assert guard.volume_applied(60)


def test_an_output_that_tells_of_its_streams_waits_for_this_ones_report() -> None:
    # The played buffers may tell of the new stream before its device event is handled:
    # until this stream reports, the reading is the last stream's (the target too).
    clock = FakeClock()
    guard = started(clock)
    guard.device_reported()
    guard.output_reported_volume()  # the last start's stream
    guard.begin()
    guard.stream_exists = True  # from the statistics
    guard.asked(60)
    guard.output_reported_volume()  # queued before this stream's device event
    assert not guard.volume_applied(60)
    guard.device_reported()
    guard.output_reported_volume()
    assert guard.volume_applied(60)


def test_a_new_stream_that_starts_at_the_target_needs_no_second_report() -> None:
    # stream-restore: the new stream starts at the volume the last one ended with, and asking
    # for that same volume changes nothing, so nothing more is reported.
    clock = FakeClock()
    guard = started(clock)
    guard.device_reported()
    guard.output_reported_volume()  # this stream's first: the restored 60
    guard.asked(60)
    assert guard.volume_applied(60)


def test_an_output_that_tells_of_no_stream_takes_a_reading_above_1() -> None:
    # ALSA's software volume: reported within the call, no device event.
    clock = FakeClock()
    guard = started(clock)
    guard.asked(60)
    assert guard.volume_applied(60)
    assert not guard.volume_applied(100)
    guard.begin()
    guard.asked(1)
    assert not guard.volume_applied(1), "1 is what an output that reported nothing reads"


def test_a_start_that_sends_nothing_to_the_output_is_overdue_after_a_while() -> None:
    clock = FakeClock()
    guard = started(clock)
    clock.now += (NO_SOUND_MS - 1) / 1000
    assert not guard.no_sound_overdue()
    clock.now += 0.002
    assert guard.no_sound_overdue()
    guard.device_reported()  # the stream exists: whatever it plays, it is not nothing
    assert not guard.no_sound_overdue()


def test_a_pause_at_the_start_does_not_count_as_time_without_sound() -> None:
    # Paused before the first block played, resumed minutes later: not a file without sound.
    clock = FakeClock()
    guard = started(clock)
    clock.now += 0.05
    guard.playing()
    clock.now += 120  # paused
    guard.playing()  # the resume
    assert not guard.no_sound_overdue()
    clock.now += NO_SOUND_MS / 1000
    assert guard.no_sound_overdue()


def test_a_start_held_at_its_inputs_pause_waits_for_it_only_so_long() -> None:
    # An input that cannot pause never sends that pause: it plays on, and the guard must end
    # (with the volume) rather than wait all night.
    clock = FakeClock()
    guard = StartGuard(clock)
    guard.begin(20_000, born=True, held=True)
    clock.now += HELD_WAIT_MS / 1000 - 0.001
    assert not guard.held_overdue()
    clock.now += 0.002
    assert guard.held_overdue()
    guard.held = False  # the pause came: nothing is overdue any more
    assert not guard.held_overdue()
    guard.begin(0, born=True)
    clock.now += 10
    assert not guard.held_overdue()  # a start at 0 is never held
