"""Just enough Xlib (through ctypes) to time a window's mapping, minimise it and close it.

Xvfb runs with no window manager, so ``xdotool windowminimize`` (a request *to the window
manager*) does nothing there, and ``xdotool search --sync`` polls only every 0.5 s. This module
does what the bench needs directly:

* ``MapWatcher`` listens for MapNotify on the root window and reports the moment a top-level
  window whose title contains a given text is mapped. It must be created before the process
  is spawned, so no event is missed.
* ``iconify`` does what an ICCCM window manager does on "minimise": it sets ``WM_STATE`` to
  IconicState (and ``_NET_WM_STATE_HIDDEN``) and unmaps the window. Qt's xcb plugin reads
  WM_STATE and reports the window as minimised (``QWidget.isMinimized()``, WindowStateChange).
* ``close`` sends WM_DELETE_WINDOW, as clicking the title bar's close button would.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import select
import sys
import time
from typing import Any

_Window = ctypes.c_ulong
_Atom = ctypes.c_ulong

MAP_NOTIFY = 19
PROPERTY_NOTIFY = 28
CLIENT_MESSAGE = 33
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
PROPERTY_CHANGE_MASK = 1 << 22
ICONIC_STATE = 3
PROP_MODE_REPLACE = 0
ANY_PROPERTY_TYPE = 0
XA_ATOM = 4
XA_WM_NAME = 39


class _XAnyEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", _Window),
    ]


class _XMapEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", _Window),
        ("window", _Window),
        ("override_redirect", ctypes.c_int),
    ]


class _XPropertyEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", _Window),
        ("atom", _Atom),
        ("time", ctypes.c_ulong),
        ("state", ctypes.c_int),
    ]


class _XClientMessageEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", _Window),
        ("message_type", _Atom),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [
        ("type", ctypes.c_int),
        ("xany", _XAnyEvent),
        ("xmap", _XMapEvent),
        ("xproperty", _XPropertyEvent),
        ("xclient", _XClientMessageEvent),
        ("pad", ctypes.c_long * 24),
    ]


_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def _ignore_x_error(_display: Any, _event: Any) -> int:
    # A window may vanish between an event and our query (BadWindow). Xlib's default handler
    # would exit the bench; ignoring is right for a measuring tool.
    return 0


_ignore_x_error_c = _ERROR_HANDLER(_ignore_x_error)


def _load_xlib() -> Any:
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    lib = ctypes.CDLL(name)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XDefaultRootWindow.restype = _Window
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XSelectInput.argtypes = [ctypes.c_void_p, _Window, ctypes.c_long]
    lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    lib.XPending.argtypes = [ctypes.c_void_p]
    lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
    lib.XFlush.argtypes = [ctypes.c_void_p]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.XInternAtom.restype = _Atom
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p,
        _Window,
        _Atom,
        ctypes.c_long,
        ctypes.c_long,
        ctypes.c_int,
        _Atom,
        ctypes.POINTER(_Atom),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XChangeProperty.argtypes = [
        ctypes.c_void_p,
        _Window,
        _Atom,
        _Atom,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_int,
    ]
    lib.XUnmapWindow.argtypes = [ctypes.c_void_p, _Window]
    lib.XSendEvent.argtypes = [
        ctypes.c_void_p,
        _Window,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(_XEvent),
    ]
    lib.XSetErrorHandler.restype = ctypes.c_void_p
    lib.XSetErrorHandler.argtypes = [_ERROR_HANDLER]
    lib.XSetErrorHandler(_ignore_x_error_c)
    return lib


class Display:
    """One Xlib connection to the private server."""

    def __init__(self, name: str) -> None:
        self._x = _load_xlib()
        self._dpy = self._x.XOpenDisplay(name.encode())
        if not self._dpy:
            raise RuntimeError(f"cannot open X display {name}")
        self.root = int(self._x.XDefaultRootWindow(self._dpy))
        self._atoms: dict[str, int] = {}

    def close(self) -> None:
        if self._dpy:
            self._x.XCloseDisplay(self._dpy)
            self._dpy = None

    def __enter__(self) -> Display:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = int(self._x.XInternAtom(self._dpy, name.encode(), 0))
        return self._atoms[name]

    def title(self, window: int) -> str:
        """_NET_WM_NAME (UTF-8), else WM_NAME; empty if none."""
        raw = self._property(window, self.atom("_NET_WM_NAME"))
        if raw is not None:
            return raw.decode("utf-8", "replace")
        raw = self._property(window, XA_WM_NAME)
        return raw.decode("latin-1") if raw is not None else ""

    def is_dialog(self, window: int) -> bool:
        """Whether _NET_WM_WINDOW_TYPE says dialog (a message box, not the main window)."""
        raw = self._property(window, self.atom("_NET_WM_WINDOW_TYPE"), fmt=32)
        if raw is None:
            return False
        size = ctypes.sizeof(ctypes.c_long)
        types = {int.from_bytes(raw[i : i + size], sys.byteorder) for i in range(0, len(raw), size)}
        return self.atom("_NET_WM_WINDOW_TYPE_DIALOG") in types

    def _property(self, window: int, atom: int, fmt: int = 8) -> bytes | None:
        actual_type = _Atom()
        actual_format = ctypes.c_int()
        nitems = ctypes.c_ulong()
        after = ctypes.c_ulong()
        data = ctypes.c_void_p()
        status = self._x.XGetWindowProperty(
            self._dpy,
            window,
            atom,
            0,
            4096,
            0,
            ANY_PROPERTY_TYPE,
            ctypes.byref(actual_type),
            ctypes.byref(actual_format),
            ctypes.byref(nitems),
            ctypes.byref(after),
            ctypes.byref(data),
        )
        if status != 0 or not data.value:
            return None
        try:
            if actual_format.value != fmt:
                return None
            # Xlib hands 32-bit items over as C longs.
            item = 1 if fmt == 8 else (2 if fmt == 16 else ctypes.sizeof(ctypes.c_long))
            return ctypes.string_at(data.value, nitems.value * item)
        finally:
            self._x.XFree(data)

    def select(self, window: int, mask: int) -> None:
        self._x.XSelectInput(self._dpy, window, mask)
        self._x.XFlush(self._dpy)

    def next_event(self, timeout: float) -> _XEvent | None:
        """The next event, or None after ``timeout`` seconds without one."""
        deadline = time.monotonic() + timeout
        fd = self._x.XConnectionNumber(self._dpy)
        while not self._x.XPending(self._dpy):
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            select.select([fd], [], [], left)
        event = _XEvent()
        self._x.XNextEvent(self._dpy, ctypes.byref(event))
        return event

    def iconify(self, window: int) -> None:
        """Minimise ``window`` the way an ICCCM window manager does."""
        wm_state = self.atom("WM_STATE")
        state = (ctypes.c_long * 2)(ICONIC_STATE, 0)
        self._x.XChangeProperty(
            self._dpy, window, wm_state, wm_state, 32, PROP_MODE_REPLACE, state, 2
        )
        hidden = (ctypes.c_long * 1)(self.atom("_NET_WM_STATE_HIDDEN"))
        self._x.XChangeProperty(
            self._dpy, window, self.atom("_NET_WM_STATE"), XA_ATOM, 32, PROP_MODE_REPLACE, hidden, 1
        )
        self._x.XUnmapWindow(self._dpy, window)
        self._x.XSync(self._dpy, 0)

    def close_window(self, window: int) -> None:
        """Ask politely: WM_DELETE_WINDOW, like the close button of a title bar."""
        event = _XEvent()
        msg = event.xclient
        msg.type = CLIENT_MESSAGE
        msg.window = window
        msg.message_type = self.atom("WM_PROTOCOLS")
        msg.format = 32
        msg.data[0] = self.atom("WM_DELETE_WINDOW")
        msg.data[1] = 0  # CurrentTime
        self._x.XSendEvent(self._dpy, window, 0, 0, ctypes.byref(event))
        self._x.XSync(self._dpy, 0)


class MapWatcher:
    """Reports when a top-level window whose title contains a text is mapped.

    Dialogs (an error box titled "SleepPlayer", say) do not count as the window shown.

    Create it (and so subscribe) before spawning the process to be timed.
    """

    def __init__(self, display: Display) -> None:
        self._d = display
        display.select(display.root, SUBSTRUCTURE_NOTIFY_MASK)
        self._mapped: set[int] = set()

    def wait(self, title_part: str, timeout: float) -> tuple[int, float] | None:
        """(window, time.perf_counter() when it was seen mapped with a matching title)."""
        deadline = time.monotonic() + timeout
        name_atoms = {self._d.atom("_NET_WM_NAME"), XA_WM_NAME}
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            event = self._d.next_event(left)
            if event is None:
                return None
            now = time.perf_counter()
            if event.type == MAP_NOTIFY:
                if event.xmap.override_redirect:
                    continue  # menus, tooltips
                window = int(event.xmap.window)
                self._mapped.add(window)
                if title_part in self._d.title(window) and not self._d.is_dialog(window):
                    return window, now
                # Mapped before its title was set: follow its title changes.
                self._d.select(window, PROPERTY_CHANGE_MASK)
            elif event.type == PROPERTY_NOTIFY:
                window = int(event.xproperty.window)
                if (
                    window in self._mapped
                    and int(event.xproperty.atom) in name_atoms
                    and title_part in self._d.title(window)
                    and not self._d.is_dialog(window)
                ):
                    return window, now
