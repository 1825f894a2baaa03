"""The instance server and the forwarding client on real Unix sockets, in one process.

The server runs on this test's Qt event loop; each client runs in a thread (it blocks, as a
real second launch does) and the test waits on the loop for its result. The real-process
side (ten launches at once, kill -9, the app itself) is in tests/e2e/test_single_instance.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sleepplayer import APP_ID
from sleepplayer.cli import build_parser
from sleepplayer.core.instance_address import (
    MAX_SOCKET_PATH,
    InstanceAddress,
    InstanceDirError,
    data_key,
    ensure_private_dir,
    instance_address,
)
from sleepplayer.core.paths import AppPaths
from sleepplayer.core.remote_message import (
    MAX_REQUEST_BYTES,
    RemoteReply,
    RemoteRequest,
    Verb,
    decode_reply,
    encode_request,
)
from sleepplayer.desktop.instance_client import (
    REPLY_TIMEOUT_S,
    Claim,
    Forwarded,
    InstanceError,
    NotRunning,
    forward_or_claim,
    pipe_path,
    send,
    within,
)
from sleepplayer.desktop.instance_lock import InstanceLock
from sleepplayer.desktop.instance_server import READ_TIMEOUT_MS, InstanceServer
from sleepplayer.desktop.local_channels import Listener, QtLocalListener, UnixListener
from sleepplayer.second_launch import forward

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(sys.platform.startswith("win"), reason="Unix sockets"),
]

PAUSE = RemoteRequest(verb=Verb.PAUSE)


@pytest.fixture
def address(tmp_path: Path) -> Iterator[InstanceAddress]:
    found = instance_address(AppPaths.resolve(str(tmp_path / "home")))
    yield found
    found.lock_path.unlink(missing_ok=True)


@dataclass
class Served:
    server: InstanceServer
    claim: Claim
    requests: list[RemoteRequest] = field(default_factory=list)

    def handle(self, request: RemoteRequest) -> RemoteReply:
        self.requests.append(request)
        return RemoteReply(True)


@pytest.fixture(params=["unix", "qt"])
def listener(request: pytest.FixtureRequest) -> Listener:
    """Both transports: the Unix socket the app uses here, and QLocalServer (Windows' pipe)."""
    if request.param == "unix":
        return UnixListener(MAX_REQUEST_BYTES + 1)
    return QtLocalListener(MAX_REQUEST_BYTES + 1)


@pytest.fixture
def served(qapp: QApplication, address: InstanceAddress, listener: Listener) -> Iterator[Served]:
    outcome = forward_or_claim(address, PAUSE, may_start=True)
    assert isinstance(outcome, Claim)
    server = InstanceServer(outcome, listener=listener)
    assert server.listen() is None
    result = Served(server, outcome)
    server.set_handler(result.handle)
    yield result
    server.release()
    server.deleteLater()


def in_thread(qtbot: QtBot, work: Callable[[], object], timeout_ms: int = 5000) -> object:
    """Run a blocking client in a thread while the Qt loop serves it; its result."""
    box: list[object] = []

    def run() -> None:
        try:
            box.append(work())
        except Exception as exc:
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: bool(box), timeout=timeout_ms)
    thread.join(1)
    return box[0]


def raw(address: InstanceAddress) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(address.server_name)
    sock.setblocking(False)
    return sock


def read_until_closed(sock: socket.socket) -> bytes | None:
    """Everything the server sent once it has hung up; None while it is still open."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return None
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


# --------------------------------------------------------------------------- the address
def test_the_address_is_per_user_and_per_data_directory(tmp_path: Path) -> None:
    a = instance_address(AppPaths.resolve(str(tmp_path / "a")))
    b = instance_address(AppPaths.resolve(str(tmp_path / "b")))
    again = instance_address(AppPaths.resolve(str(tmp_path / "x" / ".." / "a")))
    assert a.server_name != b.server_name and a.server_name == again.server_name
    assert f"sleepplayer-{os.getuid()}" in a.server_name
    assert len(os.fsencode(a.server_name)) <= MAX_SOCKET_PATH


def test_a_deep_runtime_folder_gives_way_to_a_shorter_one(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    found = instance_address(AppPaths.resolve(str(tmp_path / "a")), {"XDG_RUNTIME_DIR": str(deep)})
    assert len(os.fsencode(found.server_name)) <= MAX_SOCKET_PATH
    ok = instance_address(AppPaths.resolve(str(tmp_path / "a")), {"XDG_RUNTIME_DIR": "/run/x"})
    assert ok.server_name != "/run/x"  # a missing folder is not used


def test_inside_flatpak_the_folder_all_sandboxes_share_is_used() -> None:
    # Each Flatpak sandbox has an $XDG_RUNTIME_DIR of its own; $XDG_RUNTIME_DIR/app/$FLATPAK_ID
    # is the one folder every instance of the app sees.
    runtime = Path(tempfile.mkdtemp(prefix="sp-", dir="/tmp"))
    try:
        shared = runtime / "app" / APP_ID
        shared.mkdir(parents=True)
        paths = AppPaths.resolve(str(runtime / "home"))
        inside = instance_address(paths, {"XDG_RUNTIME_DIR": str(runtime), "FLATPAK_ID": APP_ID})
        assert inside.directory == shared / f"sleepplayer-{os.getuid()}"
        assert inside.server_name.startswith(str(shared) + "/")
        assert len(os.fsencode(inside.server_name)) <= MAX_SOCKET_PATH
        outside = instance_address(paths, {"XDG_RUNTIME_DIR": str(runtime)})
        assert outside.directory == runtime / f"sleepplayer-{os.getuid()}"
        for bad_id in ("../../etc", "..", "io.github/../x", ""):
            env = {"XDG_RUNTIME_DIR": str(runtime), "FLATPAK_ID": bad_id}
            assert instance_address(paths, env).directory == outside.directory, bad_id
        shared.rmdir()  # no app folder (an old Flatpak): the runtime folder still works
        env = {"XDG_RUNTIME_DIR": str(runtime), "FLATPAK_ID": APP_ID}
        assert instance_address(paths, env).directory == outside.directory
    finally:
        shutil.rmtree(runtime)


def test_the_windows_address_is_a_named_pipe_per_user_and_data_directory(tmp_path: Path) -> None:
    paths = AppPaths.resolve(str(tmp_path / "a"))
    found = instance_address(paths, {"USERNAME": "Ann Lee"}, windows=True)
    assert found.directory is None
    assert found.server_name == f"sleepplayer-AnnLee-{data_key(paths)}"
    # Qt listens on \\.\pipe\<name>; the client opens that path as a file.
    assert pipe_path(found.server_name) == "\\\\.\\pipe\\" + found.server_name
    assert pipe_path(pipe_path(found.server_name)) == pipe_path(found.server_name)


def test_within_bounds_io_that_has_no_timeout_of_its_own() -> None:
    # How the Windows client waits on a blocking pipe: it must never hang a second launch.
    assert within(5.0, lambda: b"reply") == b"reply"
    release = threading.Event()
    try:
        with pytest.raises(InstanceError, match="does not answer"):
            within(0.2, lambda: b"late" if release.wait(30) else b"")
    finally:
        release.set()

    def refuse() -> bytes:
        raise InstanceError("SleepPlayer closed the connection without answering")

    with pytest.raises(InstanceError, match="without answering"):
        within(5.0, refuse)


def test_the_private_folder_is_made_0700_and_an_open_one_is_closed(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    ensure_private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o777)
    ensure_private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    link = tmp_path / "link"
    link.symlink_to(folder)
    with pytest.raises(InstanceDirError, match="not a folder"):
        ensure_private_dir(link)


# --------------------------------------------------------------------------- the lock
def test_the_lock_is_exclusive_until_released(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path / "x.lock"), InstanceLock(tmp_path / "x.lock")
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


# --------------------------------------------------------------------------- serving
def test_the_socket_is_private_and_a_request_is_answered(
    served: Served, address: InstanceAddress, qtbot: QtBot
) -> None:
    info = os.stat(address.server_name)
    assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert stat.S_IMODE(os.stat(address.directory or "").st_mode) == 0o700
    reply = in_thread(qtbot, lambda: send(address, PAUSE))
    assert reply == RemoteReply(True)
    assert served.requests == [RemoteRequest(verb=Verb.PAUSE)]


def test_a_second_claim_forwards_to_the_live_server(
    served: Served, address: InstanceAddress, qtbot: QtBot
) -> None:
    outcome = in_thread(qtbot, lambda: forward_or_claim(address, PAUSE, may_start=True))
    assert outcome == Forwarded(RemoteReply(True))
    assert os.path.exists(address.server_name), "a live socket is never removed"


def test_closing_removes_the_socket_file(served: Served, address: InstanceAddress) -> None:
    served.server.close()
    assert not os.path.exists(address.server_name)


def test_requests_before_the_app_is_ready_wait_and_are_answered(
    qapp: QApplication, address: InstanceAddress, qtbot: QtBot, listener: Listener
) -> None:
    claim = forward_or_claim(address, PAUSE, may_start=True)
    assert isinstance(claim, Claim)
    server = InstanceServer(claim, listener=listener)
    assert server.listen() is None
    sock = raw(address)
    sock.sendall(encode_request(PAUSE))
    got: list[RemoteRequest] = []
    qtbot.wait(READ_TIMEOUT_MS + 300)  # longer than the read deadline: waiting is not slow
    assert read_until_closed(sock) is None, "no answer before the app can act"

    def handle(request: RemoteRequest) -> RemoteReply:
        got.append(request)
        return RemoteReply(True)

    server.set_handler(handle)
    qtbot.waitUntil(lambda: read_until_closed(sock) is not None)
    assert got == [RemoteRequest(verb=Verb.PAUSE)]
    sock.close()
    server.release()


def test_a_pure_verb_with_no_server_is_not_running_and_removes_nothing(
    address: InstanceAddress,
) -> None:
    assert isinstance(forward_or_claim(address, PAUSE, may_start=False), NotRunning)
    assert not os.path.exists(address.server_name)


def test_a_stale_socket_is_replaced(qapp: QApplication, address: InstanceAddress) -> None:
    address.ensure()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(address.server_name)  # bound, never listening: what kill -9 leaves behind
    dead.close()
    outcome = forward_or_claim(address, PAUSE, may_start=True)
    assert isinstance(outcome, Claim)
    server = InstanceServer(outcome)
    assert server.listen() is None
    server.release()


def test_a_held_lock_without_a_server_makes_others_wait_then_give_up(
    address: InstanceAddress,
) -> None:
    address.ensure()
    holder = InstanceLock(address.lock_path)
    assert holder.try_acquire()  # a primary that is starting (or saving before it quits)
    try:
        with pytest.raises(InstanceError, match="starting or quitting"):
            forward_or_claim(address, PAUSE, may_start=True, wait_s=0.3)
    finally:
        holder.release()


# --------------------------------------------------------------------------- bad clients
def test_garbage_gets_an_error_reply_and_the_server_goes_on(
    served: Served, address: InstanceAddress, qtbot: QtBot
) -> None:
    sock = raw(address)
    sock.sendall(b"\x00\xffGET / HTTP/1.0\r\n\r\n")
    qtbot.waitUntil(lambda: (data := read_until_closed(sock)) is not None and bool(data))
    sock.close()
    assert in_thread(qtbot, lambda: send(address, PAUSE)) == RemoteReply(True)
    assert served.requests == [RemoteRequest(verb=Verb.PAUSE)]


def test_a_request_that_comes_too_late_is_refused_not_carried_out(
    served: Served, address: InstanceAddress, qtbot: QtBot
) -> None:
    # The trial: a stuck SleepPlayer (kill -STOP) got "--toggle" after its sender had said
    # "does not answer", and played once it ran again. Sent now, it expired a second ago.
    late = replace(RemoteRequest(verb=Verb.TOGGLE), expires_at=time.time() - 1)
    sock = raw(address)
    sock.sendall(encode_request(late))
    found: list[bytes] = []

    def answered() -> bool:
        data = read_until_closed(sock)
        if data:
            found.append(data)
        return bool(data)

    qtbot.waitUntil(answered)
    sock.close()
    refusal = RemoteReply(False, "refused: it came too late, SleepPlayer was busy")
    assert decode_reply(found[0]) == refusal
    assert served.requests == []
    sent_at = time.time()
    assert in_thread(qtbot, lambda: send(address, PAUSE)) == RemoteReply(True)  # in time
    assert served.requests == [RemoteRequest(verb=Verb.PAUSE)]
    expires = served.requests[0].expires_at  # send() dates it: when it stops waiting
    assert expires is not None and 0 < expires - sent_at <= REPLY_TIMEOUT_S + 1


def test_an_oversized_request_is_refused_and_cut_off(
    served: Served, address: InstanceAddress, qtbot: QtBot
) -> None:
    sock = raw(address)
    sent = 0
    replies: list[bytes] = []

    def pour() -> bool:
        nonlocal sent
        with contextlib.suppress(BlockingIOError, BrokenPipeError, ConnectionResetError):
            sent += sock.send(b"x" * 65536)
        data = read_until_closed(sock)
        if data is not None:
            replies.append(data)
        return bool(replies)

    qtbot.waitUntil(pour, timeout=5000)
    assert sent > MAX_REQUEST_BYTES
    assert decode_reply(replies[0].split(b"\n")[0]).text.startswith("refused: message longer")
    sock.close()
    assert served.requests == []


def test_silent_and_trickling_clients_are_dropped_and_never_block(
    served: Served, address: InstanceAddress, qtbot: QtBot
) -> None:
    silent = raw(address)
    trickle = raw(address)
    trickle.sendall(b"{")
    # Meanwhile a real request is served at once.
    assert in_thread(qtbot, lambda: send(address, PAUSE), timeout_ms=1000) == RemoteReply(True)
    trickle.sendall(b'"')
    for sock in (silent, trickle):

        def cut_off(sock: socket.socket = sock) -> bool:
            return read_until_closed(sock) is not None

        qtbot.waitUntil(cut_off, timeout=4000)
        sock.close()
    assert served.requests == [RemoteRequest(verb=Verb.PAUSE)]


def test_a_flood_of_connections_cannot_exhaust_the_server(
    served: Served, address: InstanceAddress, qtbot: QtBot
) -> None:
    flood: list[socket.socket] = []
    in_thread(qtbot, lambda: flood.extend(raw(address) for _ in range(60)))
    assert len(flood) == 60
    assert in_thread(qtbot, lambda: send(address, PAUSE), timeout_ms=4000) == RemoteReply(True)
    closed = [s for s in flood if read_until_closed(s) is not None]
    assert len(closed) >= 60 - 32 + 1, "the oldest silent ones made room"
    for sock in flood:
        sock.close()


def test_an_unsafe_runtime_folder_disables_forwarding_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="sp-", dir="/tmp"))
    try:
        (runtime / f"sleepplayer-{os.getuid()}").write_text("in the way")
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
        home = ["--basedir", str(runtime / "home")]
        assert forward(build_parser().parse_args([*home, "--pause"])) == 1
        assert "cannot reach a running SleepPlayer" in capsys.readouterr().err
        assert forward(build_parser().parse_args(home)) is None, "the app runs on its own"
        assert "without single-instance control" in capsys.readouterr().err
    finally:
        shutil.rmtree(runtime)


# A child process: a UnixListener whose process has no file descriptor left for accept().
_FD_STARVED = """
import os, resource, sys, time
from PySide6.QtCore import QCoreApplication, QTimer
from sleepplayer.desktop.local_channels import UnixListener

app = QCoreApplication([])
listener = UnixListener(1024)
assert listener.listen(sys.argv[1]) is None
accepted = []
listener.channel_opened.connect(lambda ch: accepted.append(ch))
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
free = os.open(os.devnull, os.O_RDONLY)  # the lowest free descriptor: accept() takes it
os.close(free)
resource.setrlimit(resource.RLIMIT_NOFILE, (free, hard))  # so accept() fails: EMFILE
print("READY", flush=True)
began = time.process_time()
QTimer.singleShot(1500, lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))
QTimer.singleShot(4000, app.quit)
app.exec()
print(f"CPU {time.process_time() - began:.3f} ACCEPTED {len(accepted)}", flush=True)
"""


def test_out_of_file_descriptors_the_server_waits_instead_of_spinning(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sock")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-c", _FD_STARVED, path],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
        client.connect(path)  # queued in the backlog; accept() fails until the limit rises
        out, _ = child.communicate(timeout=20)
    finally:
        client.close()
        child.kill()
    cpu, accepted = out.split()[1], out.split()[3]
    # A notifier that fired on and on would burn the whole 4 s; waiting costs next to nothing.
    assert float(cpu) < 0.5, out
    assert accepted == "1", "the waiting client is taken once descriptors are free again"
