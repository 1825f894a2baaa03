"""The now-playing area (title and artist, large and calm) and the window title."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from sleepplayer import APP_NAME
from sleepplayer.core.model import Track, TrackKind
from sleepplayer.services.controller import PlaybackController
from sleepplayer.ui.elided_label import ElidedLabel


def window_title(track: Track | None, timer_text: str = "") -> str:
    """``"Title — SleepPlayer"``, or just the app name when nothing is loaded; with a timer,
    ``"Title — 23 min left — SleepPlayer"``."""
    parts = [track.display_title] if track is not None else []
    if timer_text:
        parts.append(timer_text)
    return " \u2014 ".join([*parts, APP_NAME])


def subtitle(track: Track | None, idle_hint: str = "") -> str:
    """The line under the title: artist, else where the sound comes from; with nothing
    loaded, ``idle_hint`` (how to start, with the keys the user has)."""
    if track is None:
        return idle_hint
    if track.unavailable:
        return f"Unavailable: {track.unavailable}"
    if track.artist:
        return track.artist
    return "Live stream" if track.kind is TrackKind.RADIO else ""


class NowPlaying(QWidget):
    """Shows the controller's current track; it holds no state of its own.

    Under the title: a live stream's now-playing title (ICY), when there is one, and quietly,
    what the player is busy with ("Resolving…", "Reconnecting in 4 s (attempt 3)").
    """

    def __init__(self, controller: PlaybackController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nowPlaying")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.title = ElidedLabel()  # a long title ends in "…" in a narrow window
        self.title.setObjectName("nowPlayingTitle")
        self.artist = QLabel()
        self.artist.setObjectName("nowPlayingArtist")
        self.stream_title = QLabel()
        self.stream_title.setObjectName("nowPlayingStreamTitle")
        self.stream_title.hide()
        self.status = QLabel()
        self.status.setObjectName("dimLabel")
        self.status.hide()
        for label in (self.title, self.stream_title, self.artist, self.status):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            # Long titles are cut by the layout instead of widening the window.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # "Reconnecting in 4 s" comes and goes with a flaky stream: its line keeps its room, so
        # the track list below does not jump each time.
        policy = self.status.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.status.setSizePolicy(policy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.stream_title)
        layout.addWidget(self.artist)
        layout.addWidget(self.status)
        self._track_uid: str | None = None
        self._track: Track | None = None
        self._idle_hint = ""
        controller.track_changed.connect(self._on_controller_track_changed)
        controller.stream_title_changed.connect(self._on_controller_stream_title_changed)
        controller.status_text_changed.connect(self._on_controller_status_text_changed)
        self._on_controller_track_changed(controller.current_track)

    def set_idle_hint(self, text: str) -> None:
        """What the line under "Nothing playing" says (the window words it with its keys)."""
        self._idle_hint = text
        self.artist.setText(subtitle(self._track, text))

    def _on_controller_stream_title_changed(self, text: str) -> None:
        _show(self.stream_title, text.strip())

    def _on_controller_status_text_changed(self, text: str) -> None:
        _show(self.status, text.strip())

    def _on_controller_track_changed(self, track: Track | None) -> None:
        uid = track.uid if track is not None else None
        if uid != self._track_uid:
            self._track_uid = uid
            _show(self.stream_title, "")  # another track: the old station's song is gone
        self._track = track
        title = track.display_title if track is not None else "Nothing playing"
        self.title.set_full_text(title, track.uri if track is not None else "")
        self.artist.setText(subtitle(track, self._idle_hint))


def _show(label: QLabel, text: str) -> None:
    if text != label.text():
        label.setText(text)
        label.setToolTip(text)
    label.setVisible(bool(text))
