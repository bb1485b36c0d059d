"""Dock panels around the page canvas; each redraws from the session's signals."""
