"""Optional OS integration, each piece with a graceful fallback."""
