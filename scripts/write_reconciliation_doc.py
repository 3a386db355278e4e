"""Write docs/reconciliation.md from assumptions/published_figures.yaml and the library. A test fails if
the committed file drifts. If a figure's steps stop short of it without saying why, or a published
figure has no source, the script stops with a message naming the intervention and the step, and the
document is not written.

Run: python scripts/write_reconciliation_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roi.analysis.reconciliation import (  # noqa: E402
    FACTOR,
    MEASURE_LABELS,
    Reconciliation,
    money,
    reconcile_all,
    step_rows,
    summary_rows,
    verdict,
)
from roi.inputs.errors import InputError  # noqa: E402

OUT = ROOT / "docs" / "reconciliation.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[dict[str, str]]) -> list[str]:
    heads = list(rows[0])
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    lines += ["| " + " | ".join(_cell(row[h]) for h in heads) + " |" for row in rows]
    return lines


def _figure(result: Reconciliation) -> list[str]:
    f = result.figure
    source = f.source
    lines = [
        f"## {f.label}",
        "",
        f"- What it values: {result.intervention_label}.",
        f"- Measure: {MEASURE_LABELS[f.measure]}, at {result.price_year} prices.",
        f"- Scope: {f.scope}",
        f'- Source: {source.citation()}. "{source.quote}"'
        + (f" Derivation: {source.derivation}" if source.derivation else ""),
        "",
        verdict(result),
        "",
    ]
    if result.steps or not result.reproduced:
        lines += _table(step_rows(result)) + [""]
    for label, value in result.variants:
        lines.append(f"- Shown beside it: {label}: {money(value)}.")
    if result.variants:
        lines.append("")
    return lines


def render() -> str:
    results = reconcile_all()
    lines = [
        "# How this compares with published tools",
        "",
        "Generated from `assumptions/published_figures.yaml` by `python scripts/write_reconciliation_doc.py`;",
        "do not edit by hand.",
        "",
        "For each published return-on-investment figure a board may know, the project's result on the same",
        f"scope is set beside it. Where they differ by more than a factor of {FACTOR:g}, the difference is walked step",
        "by step, each step rerunning the model with one thing done as the published figure does it; the",
        "pounds are computed, not typed, and shown to the penny so that they add up exactly. The steps end",
        "at the published figure or say what could not be reproduced and why. Method: docs/method.md.",
        "",
    ]
    lines += _table(summary_rows(results)) + [""]
    for result in results:
        lines += _figure(result)
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    try:
        text = render()
    except InputError as exc:
        print(f"docs/reconciliation.md not written: {exc}", file=sys.stderr)
        return 1
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
