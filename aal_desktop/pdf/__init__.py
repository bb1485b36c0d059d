"""PyMuPDF work: validate, render and read words, in killable worker processes.

MuPDF's messages ("MuPDF error: limit error: Overly large image") go to stderr, never
stdout: a `--json` command prints one JSON document on stdout and nothing else. PyMuPDF
reads PYMUPDF_MESSAGE when it is imported, and every import of it in this app happens
after this package is loaded (in this process and in the worker processes, which inherit
the environment), so setting it here covers them all; a value the user set wins.
"""

import os

os.environ.setdefault("PYMUPDF_MESSAGE", "fd:2")
os.environ.setdefault("PYMUPDF_LOG", "fd:2")
