"""The themes' text colours stay readable on their backgrounds (WCAG contrast ratios)."""

from __future__ import annotations

import pytest

from sleepplayer.ui.theme import DARK, LIGHT, Colours
from tests.helpers.contrast import contrast


@pytest.mark.parametrize("colours", [DARK, LIGHT], ids=["dark", "light"])
def test_text_is_readable_and_dimmer_text_still_is(colours: Colours) -> None:
    for background in (colours.base, colours.window):
        assert contrast(colours.text, background) >= 7
        assert contrast(colours.dim_text, background) >= 4
        # Unavailable tracks and disabled controls: dimmed, yet readable (it was 2.6:1).
        assert contrast(colours.disabled, background) >= 3.2
        assert contrast(colours.disabled, background) < contrast(colours.dim_text, background)
