"""Dialogs of the main window: importing PDFs, choosing the acting user."""
