"""The one way the app imports PyMuPDF: MuPDF's messages kept off stdout, and kept.

MuPDF prints its errors and warnings ("MuPDF error: limit error: Overly large image") on
stdout, and worker processes share the parent's stdout, so one odd PDF broke
`aal release --json` (issue 15). Every process that uses PyMuPDF loads it through `load()`,
which switches that printing off; the messages stay in MuPDF's store, and `messages()`
takes them out for a log. Workers may skip PyMuPDF's optional layout model and
pymupdf4llm (`lean`): about a second of start-up that rendering never uses.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType

LOG = logging.getLogger("aal_desktop.pdf.mupdf")
"""Where MuPDF's messages end up (at INFO: silent unless someone configures logging)."""

_OPTIONAL = ("pymupdf.layout", "pymupdf4llm")
_quiet_module: ModuleType | None = None


def skip_optional_parts() -> bool:
    """Make `import pymupdf` skip its layout model and pymupdf4llm in this process.

    Only before PyMuPDF is first imported (a None entry in sys.modules makes their import
    fail, which PyMuPDF treats as "not installed"); returns whether it took effect. For
    worker processes that only render or inspect: never in one that runs the layout model.
    """
    if "pymupdf" in sys.modules:
        return False
    for name in _OPTIONAL:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    return True


def quiet(module: ModuleType | None = None) -> None:
    """Switch off MuPDF's printing of errors and warnings (idempotent)."""
    global _quiet_module
    mod = module if module is not None else sys.modules.get("pymupdf")
    if mod is None or mod is _quiet_module:
        return
    mod.TOOLS.mupdf_display_errors(False)
    mod.TOOLS.mupdf_display_warnings(False)
    _quiet_module = mod


def load(lean: bool = False) -> ModuleType:
    """`import pymupdf`, with MuPDF's messages off stdout (see the module docstring)."""
    if lean:
        skip_optional_parts()
    import pymupdf

    quiet(pymupdf)
    return pymupdf


def messages(reset: bool = True) -> list[str]:
    """MuPDF's messages since the last call (empty when PyMuPDF is not loaded here)."""
    mod = sys.modules.get("pymupdf")
    if mod is None:
        return []
    quiet(mod)
    text = mod.TOOLS.mupdf_warnings(reset=reset)
    return [line for line in str(text or "").splitlines() if line.strip()]


def log_messages(lines: list[str], where: str = "") -> None:
    """Hand MuPDF's messages to the log, never to stdout."""
    prefix = f"{where}: " if where else ""
    for line in lines:
        LOG.info("%s%s", prefix, line)
