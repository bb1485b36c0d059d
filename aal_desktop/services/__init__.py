"""Use cases called by both the window and the `aal` command; no Qt here."""
