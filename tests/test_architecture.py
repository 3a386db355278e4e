"""The package's shape, as docs/architecture.md draws it: the import contracts can fail, and pages
only draw.

The contracts themselves run in the README's test command (``lint-imports``); these tests check that
our two contract types catch what they are for, on a throwaway package with a circle and an import
inside a function, and that every page stays short enough to read as drawing only.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_LINES = 200


def _lint(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_packages = ["toy"]
            exclude_type_checking_imports = true
            contract_types = [
                "acyclic: tests.import_contracts.AcyclicContract",
                "top_level: tests.import_contracts.TopLevelImportsContract",
            ]

            [[tool.importlinter.contracts]]
            name = "No import circle"
            type = "acyclic"
            containers = ["toy"]

            [[tool.importlinter.contracts]]
            name = "No project import inside a function"
            type = "top_level"
            containers = ["toy"]
            """
        ),
        encoding="utf-8",
    )
    lint = Path(sys.executable).with_name("lint-imports")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(lint), "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_circle_and_an_import_inside_a_function_break_the_contracts(tmp_path: Path) -> None:
    done = _lint(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/a.py": "from toy import b\n",
            "toy/b.py": "from toy import c\n",
            "toy/c.py": "from toy import a\n",
            "toy/d.py": "def late():\n    from toy import a\n    return a\n",
        },
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "No import circle BROKEN" in done.stdout
    assert "Import circle among 3 modules: toy.a, toy.b, toy.c" in done.stdout
    assert "No project import inside a function BROKEN" in done.stdout
    assert "toy.d:2 imports toy inside a function" in done.stdout


def test_type_checking_imports_and_a_tree_without_circles_keep_the_contracts(tmp_path: Path) -> None:
    done = _lint(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/low.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from toy import high\n",
            "toy/high.py": "from toy import low\n\n\ndef use():\n    import json\n    return json, low\n",
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_every_page_only_draws_in_at_most_200_lines() -> None:
    pages = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
    long = {p.name: n for p in pages if (n := len(p.read_text(encoding="utf-8").splitlines())) > PAGE_LINES}
    assert not long, f"pages over {PAGE_LINES} lines: {long}"


def test_no_package_imports_a_page() -> None:
    """pages/ is the top: roi, store and ui never import from it (it is not a package at all)."""
    for package in ("roi", "store", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)] + [
                a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
            ]
            assert not any(name == "pages" or name.startswith("pages.") for name in names), path


def test_the_architecture_doc_is_written_from_the_contract() -> None:
    """docs/architecture.md is what scripts/write_architecture_doc.py writes from pyproject.toml's
    contracts and the modules' docstrings: run the script after moving or adding a module."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "write_architecture_doc.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, "docs/architecture.md is out of date: run python scripts/write_architecture_doc.py"


def test_every_verb_named_by_module_resolves_to_a_function() -> None:
    """check-claim and export are named by module (loaded only when they run); a renamed function
    would otherwise fail only when a user runs that verb."""
    import argparse
    import importlib

    from roi.cli.commands import build_parser

    parser = build_parser()
    verbs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    named = {verb: sub.get_default("handler") for verb, sub in verbs.choices.items()}
    by_name = {verb: handler for verb, handler in named.items() if isinstance(handler, str)}
    assert set(by_name) == {"check-claim", "export"}
    for handler in by_name.values():
        module, _, name = handler.partition(":")
        assert callable(getattr(importlib.import_module(module), name))
