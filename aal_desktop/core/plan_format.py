"""The migration plan file format, as `aal schema migrate --help` and docs/CLI.md show it.

Kept beside the parser (core/migration_plan.py) so the help and the format change together; a test
parses the example and applies it to the default schema, so the help cannot go stale.
"""

from __future__ import annotations

PLAN_EXAMPLE = """\
from_version: 1            # the published schema version this plan starts from
description: Headings, notes, a checklist class and a table attribute
operations:                # applied in order; the result is the next draft version
  - op: rename             # new key and/or display name; a new key relabels its regions
    key: section_header
    new_key: heading
    name: Heading
  - op: merge              # several classes become one (a new key, or an existing class)
    sources: [footnote, page_footer]
    into: note
    name: Note
  - op: split              # one class becomes several: its regions are flagged for a person
    source: list_item
    targets:
      - list_item          # an existing key (the source itself may stay)
      - {key: checklist_item, name: Checklist item, color: "#aaffc3"}   # or a new class
  - op: deprecate          # stays visible and flagged; takes no new regions
    key: formula
    reason: out of scope for this project
  - op: add                # a new class; no region changes
    class: {key: signature, name: Signature, color: "#ffe119", hotkey: g}
  - op: update             # color, hotkey, description, parent, snap_to_text
    key: picture
    color: "#00aaff"
  - op: add_attribute      # existing regions get the default, if any
    key: table
    attribute: {key: bordered, type: bool, default: false}
  - op: rename_attribute   # optional `default:` fills regions without a value
    key: table
    attribute: bordered
    new_attribute: has_borders
  - op: remove_attribute   # regions lose the value; their events keep it
    key: table
    attribute: has_borders
"""

PLAN_FORMAT_HELP = f"""\
A migration file (YAML, or the same structure in JSON) changes the label schema: it names
the published version it starts from and lists operations, applied in order, that make the
next draft version. Regions are relabelled as the operations say, each with a recorded
event; `--dry-run` only counts what each operation would touch. Publish the draft with
`aal schema publish` when it is right.

Operations (field `op`): add, rename, merge, split, deprecate, update, add_attribute,
remove_attribute, rename_attribute. Class keys match [A-Za-z][A-Za-z0-9_.-]*; colours are
#RRGGBB; a hotkey is one letter, one digit or F1-F12. Attribute types: bool, enum (with
`options: [...]`), text, number.

Example (every operation, valid against the default DocLayNet schema):

{PLAN_EXAMPLE}"""
