"""Class distribution per split as a hand-written SVG (`stats_chart.svg`).

Why by hand: the export layer must not import Qt, and matplotlib is a heavy dependency for
one bar chart. SVG is text, diffs well, and opens in every browser.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

from .snapshot import SPLITS, ReleaseSnapshot

SPLIT_COLOURS = {"train": "#1f77b4", "val": "#ff7f0e", "test": "#2ca02c"}


def class_counts(snapshot: ReleaseSnapshot) -> dict[str, Counter[str]]:
    """split -> class key -> regions, counted from the snapshot itself."""
    split_of = snapshot.split_of()
    counts: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
    for (doc_id, _), regions in snapshot.regions.items():
        split = split_of.get(doc_id)
        if split is not None:
            counts[split].update(r.class_key for r in regions)
    return counts


def chart_svg(snapshot: ReleaseSnapshot) -> str:
    """Horizontal bars: one group per class (schema order), one bar per split."""
    counts = class_counts(snapshot)
    classes = snapshot.classes
    label_w, bar_h, gap, plot_w, top = 170, 9, 10, 460, 54
    group_h = bar_h * len(SPLITS) + gap
    height = top + group_h * len(classes) + 40
    width = label_w + plot_w + 80
    peak = max([counts[s][c.key] for s in SPLITS for c in classes] + [1])
    title = escape(f"{snapshot.dataset} {snapshot.name}: regions per class and split")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{title}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="20" font-size="14" font-weight="bold">{title}</text>',
    ]
    x = label_w
    for split in SPLITS:
        total = sum(counts[split].values())
        out.append(f'<rect x="{x}" y="32" width="10" height="10" fill="{SPLIT_COLOURS[split]}"/>')
        out.append(f'<text x="{x + 14}" y="41">{split} ({total})</text>')
        x += 110
    for i, cls in enumerate(classes):
        y = top + i * group_h
        out.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 2}" text-anchor="end">'
            f"{escape(cls.name)}</text>"
        )
        for j, split in enumerate(SPLITS):
            n = counts[split][cls.key]
            w = plot_w * n / peak
            by = y + j * bar_h
            out.append(
                f'<rect class="bar" data-class="{escape(cls.key)}" data-split="{split}" '
                f'x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h - 1}" '
                f'fill="{SPLIT_COLOURS[split]}"><title>{escape(cls.name)}, {split}: {n}'
                f"</title></rect>"
            )
            out.append(
                f'<text x="{label_w + w + 4:.1f}" y="{by + bar_h - 1}" font-size="9">{n}</text>'
            )
    axis_y = top + group_h * len(classes)
    out.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{axis_y}" stroke="#333"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_chart(snapshot: ReleaseSnapshot, root: Path) -> Path:
    path = root / "stats_chart.svg"
    path.write_text(chart_svg(snapshot), encoding="utf-8")
    return path
