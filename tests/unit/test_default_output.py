"""Which libVLC output the engine names itself: PulseAudio's when one is there on Linux.

Named, the engine knows each stream is made at the volume given before it (measured on
PulseAudio only); left to libVLC elsewhere, starts are guarded by the equalizer."""

from __future__ import annotations

from pathlib import Path

from sleepplayer.playback.vlc_backend import default_output


def test_a_pulse_server_in_the_environment_is_named() -> None:
    assert default_output("linux", {"PULSE_SERVER": "unix:/run/pa/native"}) == "pulse"


def test_the_desktops_pulse_socket_is_named(tmp_path: Path) -> None:
    (tmp_path / "pulse").mkdir()
    (tmp_path / "pulse" / "native").touch()
    assert default_output("linux", {"XDG_RUNTIME_DIR": str(tmp_path)}) == "pulse"


def test_without_a_pulse_server_libvlc_picks(tmp_path: Path) -> None:
    assert default_output("linux", {"XDG_RUNTIME_DIR": str(tmp_path)}) is None
    assert default_output("linux", {}) is None


def test_other_systems_leave_it_to_libvlc() -> None:
    for platform in ("win32", "darwin"):
        assert default_output(platform, {"PULSE_SERVER": "unix:/run/pa/native"}) is None


def test_pipewire_is_left_to_libvlc(tmp_path: Path) -> None:
    # Its PulseAudio server does not keep the volume given before a stream (measured), so
    # starts there keep the equalizer's guard.
    (tmp_path / "pulse").mkdir()
    (tmp_path / "pulse" / "native").touch()
    (tmp_path / "pipewire-0").touch()
    assert default_output("linux", {"XDG_RUNTIME_DIR": str(tmp_path)}) is None


def test_a_named_pulse_server_is_taken_at_its_word(tmp_path: Path) -> None:
    (tmp_path / "pipewire-0").touch()
    env = {"XDG_RUNTIME_DIR": str(tmp_path), "PULSE_SERVER": "unix:/run/pa/native"}
    assert default_output("linux", env) == "pulse"


def test_a_flatpak_leaves_it_to_libvlc() -> None:
    # The sandbox's PULSE_SERVER names the host's server, on most hosts now PipeWire's.
    env = {
        "FLATPAK_ID": "io.github.sleepplayer.SleepPlayer",
        "PULSE_SERVER": "unix:/run/flatpak/pulse/native",
    }
    assert default_output("linux", env) is None
