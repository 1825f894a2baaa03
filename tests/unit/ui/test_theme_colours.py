"""The themes' text colours stay readable on their backgrounds (WCAG contrast ratios)."""

from __future__ import annotations

import pytest

from sleepplayer.ui.theme import DARK, LIGHT, Colours


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colours", [DARK, LIGHT], ids=["dark", "light"])
def test_text_is_readable_and_dimmer_text_still_is(colours: Colours) -> None:
    for background in (colours.base, colours.window):
        assert _contrast(colours.text, background) >= 7
        assert _contrast(colours.dim_text, background) >= 4
        # Unavailable tracks and disabled controls: dimmed, yet readable (it was 2.6:1).
        assert _contrast(colours.disabled, background) >= 3.2
        assert _contrast(colours.disabled, background) < _contrast(colours.dim_text, background)
