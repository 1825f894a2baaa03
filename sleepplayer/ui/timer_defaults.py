"""What the timer panel's form starts with: the timer fields of the settings.

A small frozen value of its own so that the panel (and its tests) need not build a whole
:class:`Settings` to open with a given duration, fade and end action.
"""

from __future__ import annotations

from dataclasses import dataclass

from sleepplayer.core.settings import Settings
from sleepplayer.core.sleep_plan import DEFAULT_FADE_S, EndAction, FadeCurve


@dataclass(frozen=True)
class TimerDefaults:
    """What the form starts with. The app passes its :class:`Settings`; tests may pass this."""

    sleep_minutes: int = 30
    fade_s: float = DEFAULT_FADE_S
    fade_curve: FadeCurve = FadeCurve.GENTLE
    end_action: EndAction = EndAction.PAUSE
    let_track_finish: bool = False
    max_finish_wait_min: int = 15

    @classmethod
    def from_settings(cls, settings: Settings | TimerDefaults | None) -> TimerDefaults:
        """The timer fields of ``settings`` (already checked and clamped when loaded)."""
        if settings is None:
            return cls()
        if isinstance(settings, TimerDefaults):
            return settings
        return cls(
            sleep_minutes=settings.sleep_minutes,
            fade_s=float(settings.fade_s),
            fade_curve=settings.fade_curve,
            end_action=settings.end_action,
            let_track_finish=settings.let_track_finish,
            max_finish_wait_min=settings.max_finish_wait_min,
        )
