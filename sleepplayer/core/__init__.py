"""Pure-Python core: no Qt, no vlc, no yt_dlp."""
