"""Schema diffs: renames, merges and splits from the migration record; field changes; Markdown."""

from __future__ import annotations

from aal_desktop.core.migration import apply_plan
from aal_desktop.core.migration_plan import parse_plan
from aal_desktop.core.schema import LabelSchema, default_schema
from aal_desktop.core.schema_diff import diff, to_markdown

PLAN = parse_plan("""\
from_version: 1
operations:
  - {op: rename, key: text, new_key: paragraph, name: Paragraph}
  - {op: merge, sources: [page_header, page_footer], into: furniture}
  - {op: merge, sources: [footnote], into: caption}
  - op: split
    source: list_item
    targets: [list_item, {key: enum_item, name: Enumerated item, color: "#123456"}]
  - {op: deprecate, key: formula}
  - {op: update, key: title, color: "#ff0000", hotkey: x, description: The main title.}
  - {op: add_attribute, key: table, attribute: {key: bordered, type: bool}}
  - {op: add, class: {key: chart, name: Chart, color: "#00aa00"}}
""")


def test_diff_reads_renames_merges_and_splits_from_the_plan() -> None:
    a = default_schema()
    b = apply_plan(a, PLAN)
    d = diff(a, b, [PLAN])
    assert (d.from_version, d.to_version) == (1, 2)
    assert [(r.old_key, r.new_key, r.old_name, r.new_name) for r in d.renamed] == [
        ("text", "paragraph", "Text", "Paragraph")
    ]
    merged = {m.into: (sorted(m.sources), m.into_existed) for m in d.merged}
    assert merged == {
        "furniture": (["page_footer", "page_header"], False),
        "caption": (["footnote"], True),
    }
    assert [(s.source, s.targets) for s in d.split] == [("list_item", ["list_item", "enum_item"])]
    assert sorted(d.added) == ["chart", "enum_item"]
    assert d.removed == []
    changed = {c.key: c for c in d.changed}
    assert {(f.field, f.old, f.new) for f in changed["title"].fields} == {
        ("color", "#000075", "#ff0000"),
        ("hotkey", "i", "x"),
        ("description", "The title of the document.", "The main title."),
    }
    assert [(f.field, f.old, f.new) for f in changed["formula"].fields] == [
        ("deprecated", False, True)
    ]
    assert changed["table"].attributes_added == ["bordered"]
    assert "paragraph" not in changed  # the name change is part of the rename


def test_without_a_record_the_same_name_under_a_new_key_is_a_rename() -> None:
    a = default_schema()
    data = a.model_dump()
    for c in data["classes"]:
        if c["key"] == "picture":
            c["key"] = "figure"
            c["color"] = "#abcdef"
    data["classes"] = [c for c in data["classes"] if c["key"] != "footnote"]
    data["model_mapping"] = {
        k: ("figure" if v == "picture" else v)
        for k, v in data["model_mapping"].items()
        if v != "footnote"
    }
    data["version"] = 2
    b = LabelSchema.model_validate(data)
    d = diff(a, b)
    assert [(r.old_key, r.new_key) for r in d.renamed] == [("picture", "figure")]
    assert d.removed == ["footnote"] and d.added == []
    assert [(c.key, [f.field for f in c.fields]) for c in d.changed] == [("figure", ["color"])]


def test_identical_versions_have_an_empty_diff() -> None:
    a = default_schema()
    d = diff(a, a)
    assert d.empty
    assert "No changes." in to_markdown(d)


def test_markdown_lists_every_kind_of_change() -> None:
    a = default_schema()
    b = apply_plan(a, PLAN)
    md = to_markdown(diff(a, b, [PLAN]), a, b)
    assert md.startswith("# Schema v1 → v2\n")
    for heading in ("## Added", "## Renamed", "## Merged", "## Split", "## Changed"):
        assert heading in md
    assert "- `text` (Text) → `paragraph` (Paragraph)" in md
    assert "- `page_footer`, `page_header` → `furniture` (new class)" in md
    assert "- `footnote` → `caption` (existing class)" in md
    assert "- `list_item` → `list_item`, `enum_item`" in md
    assert "color `#000075` → `#ff0000`" in md
    assert "- `chart` (Chart)" in md
