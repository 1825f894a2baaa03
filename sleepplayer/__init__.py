"""SleepPlayer: fall asleep to ASMR and sleep sounds."""

#: Reverse-DNS id shared by the .desktop file, AppStream, MPRIS and libVLC's app id.
APP_ID = "io.github.sleepplayer.SleepPlayer"
APP_NAME = "SleepPlayer"
#: Short name used for the MPRIS bus name and on-disk folders.
APP_SLUG = "sleepplayer"
__version__ = "0.1.0"
