"""`aal key show [--json]`: this person's public signing key, as `aal user add --key` takes it."""

from __future__ import annotations

import argparse
import sys

from .common import add_json_flag, group, print_json


def register(sub: argparse._SubParsersAction) -> None:
    ksub = group(sub, "key", "your signing key (team sync)")
    show = ksub.add_parser("show", help="print your public key (made on first use)")
    add_json_flag(show)
    show.set_defaults(handler=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from ..identity import keys  # cryptography loads only when a key is asked for

    path = keys.key_path()
    made = not path.exists()
    key = keys.load_or_create()
    if args.json:
        print_json({"public_key": key.public, "key_file": str(path), "created": made})
        return 0
    if made:
        print(f"made a new signing key in {path}", file=sys.stderr)
    print(key.public)
    return 0
