"""Run `aal ARGS…` in this process, which kills itself (SIGKILL) at a chosen point.

python -m tests.team.killer WHERE N aal-args…   WHERE: replay (before the N-th replayed
event of a merge), push-record (after a bundle is written, before it is recorded),
publish-record (after a lead file is written, before it is recorded).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _die_at(module: Any, name: str, n: int) -> None:
    original = getattr(module, name)
    calls = {"n": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] >= n:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    setattr(module, name, wrapper)


def main() -> int:
    where, n, *args = sys.argv[1:]
    from aal_desktop.services import team_merge
    from aal_desktop.store import team as team_rows

    if where == "replay":
        _die_at(team_merge, "_replay", int(n))
    elif where == "push-record":
        _die_at(team_rows, "set_push_state", int(n))
    elif where == "publish-record":
        _die_at(team_rows, "mark_published", int(n))
    else:
        raise SystemExit(f"unknown point {where}")
    from aal_desktop.cli.main import main as aal

    return aal(args)


if __name__ == "__main__":
    sys.exit(main())
