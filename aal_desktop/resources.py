"""Find shipped resources both in a checkout (`resources/`) and in an installed wheel."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """`aal_desktop/_resources` in a wheel (hatch force-include), else the repo's `resources/`."""
    here = Path(__file__).resolve().parent
    installed = here / "_resources"
    if installed.is_dir():
        return installed
    return here.parent / "resources"


def resource(name: str) -> Path:
    return resources_dir() / name
