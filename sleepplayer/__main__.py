"""``python -m sleepplayer``."""

import sys

from sleepplayer.cli import main

sys.exit(main())
