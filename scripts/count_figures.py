"""Count the sourced figures in the shipped assumption library, straight from the YAML.

A figure is one source block (a mapping with `publication`, `local_example` or `user_figure`); a block
reused through a YAML alias counts once for each figure that uses it. Anchors kept under a top-level
`_sources` key are templates, not figures. Ratio benchmarks carry a one-line text source, not a source
block, and are not counted. Categories:

- published: not a local judgement; of these, verified (read: original or secondary) and unverified
  (read: unverified); unmarked published figures are counted under neither, and the code-health test
  fails on any;
- judgement: `local_example: true`;
- unverified_ranges: unit costs one end of whose range could not be read (`range_unverified: true`).

The Assumptions page counts the same things from the loaded library (roi.analysis.evidence.library_figure_counts);
a test checks the two agree. Run: python scripts/count_figures.py
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
ASSUMPTIONS = ROOT / "assumptions"
LIBRARY_FILES = ("unit_costs.yaml", "interventions.yaml", "claim_defaults.yaml", "appraisal/*.yaml")
KEYS = ("published", "verified", "unverified", "judgement", "unverified_ranges", "total")


def _is_source(node: dict[str, Any]) -> bool:
    return any(k in node for k in ("publication", "local_example", "user_figure"))


def source_blocks(node: Any) -> Iterator[dict[str, Any]]:
    """Every source block under ``node``, once for each use."""
    if isinstance(node, dict):
        if _is_source(node):
            yield node
            return
        for key, value in node.items():
            if key != "_sources":
                yield from source_blocks(value)
    elif isinstance(node, list):
        for item in node:
            yield from source_blocks(item)


def library_paths(root: Path = ASSUMPTIONS) -> list[Path]:
    return sorted(p for pattern in LIBRARY_FILES for p in root.glob(pattern))


def count(root: Path = ASSUMPTIONS) -> dict[str, int]:
    counts = dict.fromkeys(KEYS, 0)
    for path in library_paths(root):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in source_blocks(data):
            counts["total"] += 1
            if block.get("local_example") or block.get("user_figure"):
                counts["judgement"] += 1
                continue
            counts["published"] += 1
            if block.get("read") in ("original", "secondary"):
                counts["verified"] += 1
            elif block.get("read") == "unverified":
                counts["unverified"] += 1
        for cost in (data or {}).get("unit_costs", []) if isinstance(data, dict) else []:
            counts["unverified_ranges"] += bool(cost.get("range_unverified"))
    return counts


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else ASSUMPTIONS
    for key, value in count(root).items():
        print(f"{key:>18}: {value}")
