"""Write docs/architecture.md from the import contracts in pyproject.toml ([tool.importlinter]) and each
module's own docstring. A test fails if the committed file drifts from what this writes.

Run: python scripts/write_architecture_doc.py
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "architecture.md"

# What each layer is for, and where a new feature's code goes: the words the contract cannot give.
GUIDE = {
    "pages": (
        "the dashboard's pages, drawing only",
        (
            "One file per page of the dashboard (and `app.py`, the Overview). A page only draws: it calls "
            "`ui/` components and reads results from `roi/`. At most 200 lines (a test checks)."
        ),
        "A new page; nothing else. Its widgets go in `ui/`, its sums in `roi/`.",
    ),
    "ui": (
        "Streamlit components shared by pages",
        (
            "Streamlit components: the frame every page shares (scenario, sidebar, undo), widget groups, "
            "fitted tables, saved documents as a user sees them."
        ),
        "A widget group, a table or a chart's drawing; anything a second page could reuse.",
    ),
    "store": (
        "saved documents, people and sessions",
        (
            "Saved documents, versions, workspaces, sign-in identity and sessions, backups "
            "(SQLAlchemy and Alembic; SQLite or PostgreSQL)."
        ),
        "Anything kept between sessions or shared between people.",
    ),
    "roi.cli": (
        "python -m roi VERB",
        "`python -m roi VERB`: argument parsing, plain-text tables and JSON for scripts.",
        (
            "A new verb (register it in `roi/cli/common.py`'s list); printing only, no sums. A verb that "
            "writes documents names its handler by module (`roi.cli.document_verbs`), loaded only when it runs."
        ),
    ),
    "roi.outputs": (
        "charts, workbook, board pack, reports",
        (
            "What is written for people to take away: charts (Altair), the Excel workbook, the PDF board "
            "pack, heads of terms and the claim report."
        ),
        "A new export, sheet, page or chart.",
    ),
    "roi.analysis": (
        "deals, claims, summaries, comparisons",
        (
            "What is read from results: deals between partners, checks of savings claims, summaries in "
            "words, comparisons, the evidence base and the reconciliation with published tools."
        ),
        "A new question asked of a result (who pays, is a claim right, how two offers differ).",
    ),
    "roi.engine": (
        "the model and its simulation",
        (
            "The model: cash flows by intervention, partner and year, discounting and present values "
            "(`model`), and the Monte Carlo, tornado and switching values (`uncertainty`)."
        ),
        "A change to how costs and savings are computed or drawn. Keep it free of wording and files.",
    ),
    "roi.inputs": (
        "what a user gives, read and checked",
        (
            "What a user gives, read and checked: the scenario schema, the assumption library, a scenario "
            "resolved against it, bounds, errors naming file and field, figures in words, links and edits."
        ),
        "A new input field (schema, then its check), a new library file, a new bound.",
    ),
}


def _first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    line = " ".join(doc.split("\n\n")[0].split())
    return line.replace("|", "\\|")


def _modules(package: str) -> list[tuple[str, str]]:
    folder = ROOT / package.replace(".", "/")
    out = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        out.append((f"{package}.{path.stem}", _first_line(path)))
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        name = f"{package}.{sub.name}"
        if name in GUIDE or sub.name == "migrations":
            continue
        out.append((name, _first_line(sub / "__init__.py")))
    return out


def write() -> str:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contracts = config["contracts"]
    main = next(c for c in contracts if c["type"] == "layers" and "containers" not in c)
    layers = ["pages", *main["layers"]]
    width = max(len(name) for name in layers) + 4  # pages, app.py fits too
    lines = [
        "# Architecture: the layers of Prevention ROI",
        "",
        "<!-- Written by scripts/write_architecture_doc.py from pyproject.toml's import contracts and each",
        "module's docstring; a test fails if this file drifts. Edit those, then run the script. -->",
        "",
        "Each layer imports only from the layers below it. `lint-imports` (import-linter, run by the README's",
        "test command) checks the contracts in `pyproject.toml`:",
        "",
    ]
    lines += [f"- **{c['name']}**" for c in contracts]
    lines += ["", "```text"]
    rule = "-" * (width + 44)
    for i, name in enumerate(layers):
        tag = GUIDE[name][0]
        shown = "pages, app.py" if name == "pages" else name
        lines.append(f"  {shown.ljust(width)}{tag}")
        lines.append(f"  {rule}" if i < len(layers) - 1 else "")
    lines[-1] = "  Each layer imports only from the layers below it; nothing imports a page."
    lines += ["```", ""]
    lines += [
        "`roi` is the model and has no Streamlit and no database; `import roi` gives the public API",
        "(`roi.run`, `roi.simulate`, `roi.load_scenario`, `roi.InputError`, ...) from `roi/__init__.py`.",
        "The links by name, not by import: `python -m roi store ...` hands its arguments",
        "to `store.cli`, so that `roi` itself never loads a database library; and `check-claim` and `export`",
        "run from `roi.cli.document_verbs`, loaded only for those verbs, so that the others start without the",
        "chart and PDF libraries (0.65 s rather than 1.5 s). A test checks that every such name resolves.",
        "",
        "## Each layer",
        "",
    ]
    for i, name in enumerate(layers):
        _, what, where = GUIDE[name]
        below = layers[i + 1 :]
        lines += [f"### `{name}`", "", what, ""]
        lines.append(f"- **May import:** {', '.join(f'`{b}`' for b in below) if below else 'nothing of the project'}.")
        lines.append(f"- **A new feature's code goes here when it is:** {where}")
        if name != "pages":
            lines += ["", "| module | what it is |", "|---|---|"]
            lines += [f"| `{m}` | {doc} |" for m, doc in _modules(name)]
        lines.append("")
    inner = [c for c in contracts if c["type"] == "layers" and "containers" in c]
    for contract in inner:
        lines += [
            f"## {contract['name']}",
            "",
            "Within the layer, top to bottom (`a | b`: side by side, neither imports the other):",
            "",
        ]
        lines += [f"{k + 1}. `{layer}`" for k, layer in enumerate(contract["layers"])]
        lines.append("")
    lines += [
        "## Two rules the layers do not cover",
        "",
        "- **No import circle** anywhere in `roi`, `store` or `ui`, even inside one layer.",
        "- **No project import inside a function.** Every dependency shows at the top of its module, so the",
        "  tree and the contract tell the whole story. Imports under `if TYPE_CHECKING:` (type hints only,",
        "  never run) are the one exception.",
        "",
        "Both are our own contract types, in `tests/import_contracts.py`; `tests/test_architecture.py` checks",
        "that they catch a circle and a late import in a throwaway package.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    text = write()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
