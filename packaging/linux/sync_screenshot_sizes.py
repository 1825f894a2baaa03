"""Write the pixel size of each docs/ screenshot into the AppStream metainfo.

``make screenshots`` refreshes the PNGs and then runs this, so the sizes the metainfo states
(and ``tests/integration/test_packaging.py`` checks) follow the pictures instead of going stale.
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
METAINFO = ROOT / "packaging" / "linux" / "io.github.sleepplayer.SleepPlayer.metainfo.xml"
_IMAGE = re.compile(
    r'(<image type="source") width="\d+" height="\d+">(https://[^<]*/docs/([^<]+\.png))</image>'
)


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, without an image library."""
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def main() -> int:
    text = METAINFO.read_text("utf-8")

    def sized(match: re.Match[str]) -> str:
        width, height = png_size(ROOT / "docs" / match.group(3))
        return f'{match.group(1)} width="{width}" height="{height}">{match.group(2)}</image>'

    METAINFO.write_text(_IMAGE.sub(sized, text), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
