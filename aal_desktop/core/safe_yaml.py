"""YAML that a user's file cannot turn against the app: no aliases, no duplicate keys, a size cap.

PyYAML's `safe_load` still expands aliases, so a few hundred bytes of nested aliases (the
"billion laughs") took 3.5 GB here; it also keeps the last of two equal mapping keys without
a word. Every YAML file a person hands us (label schemas, migration plans, class maps,
training configurations) is read through `load`, which refuses both with one clear line.
"""

from __future__ import annotations

import functools
from typing import Any

from .errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024  # a label schema or a plan is kilobytes; 5 MB is generous
MAX_NODES = 200_000  # scalars, sequences and mappings in one document


@functools.cache
def _loader_class() -> Any:
    """The loader class, made on first use: PyYAML is imported only by what reads YAML
    (the window and most commands read none; the import was ~25 ms of their start)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """A safe loader that counts nodes, refuses aliases and refuses repeated keys."""

        def __init__(self, stream: str, source: str) -> None:
            super().__init__(stream)
            self.source = source
            self.nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                mark = event.start_mark
                raise ValidationFailed(
                    f"{self.source}: line {mark.line + 1}: YAML aliases (*{event.anchor}) are not "
                    "accepted; write the value out in full"
                )
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise ValidationFailed(
                    f"{self.source}: more than {MAX_NODES:,} YAML nodes; this is not a file "
                    "AAL Desktop reads (the limit guards against expansion attacks)"
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    continue  # an unhashable key fails later with PyYAML's own message
                if duplicate:
                    line = key_node.start_mark.line + 1
                    raise ValidationFailed(
                        f"{self.source}: line {line}: the key '{key}' appears twice in one "
                        "mapping; keep one"
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return _Loader


def load(text: str | bytes, source: str = "YAML") -> Any:
    """Parse one YAML (or JSON) document safely; `source` names the file in messages."""
    size = len(text)
    if size > MAX_BYTES:
        raise ValidationFailed(
            f"{source}: {size:,} bytes is over the {MAX_BYTES // (1024 * 1024)} MB limit "
            "for YAML files"
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(f"{source}: not UTF-8 text ({exc.reason})") from None
    import yaml

    loader = None
    try:
        loader = _loader_class()(text, source)  # its reader refuses control characters at once
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValidationFailed(f"{source}{where}: not valid YAML ({problem})") from None
    finally:
        if loader is not None:
            loader.dispose()
