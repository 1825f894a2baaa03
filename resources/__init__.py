"""Icons and built-in sleep sounds, installed as ``sleepplayer.resources``."""
