"""Two import-linter contract types of our own, run with the layers contract (pyproject.toml,
``[tool.importlinter]``) by the README's test command.

- ``acyclic``: no import circle among the project's modules. A circle is a set of modules each
  reachable from every other through imports (a strongly connected component of the import graph);
  each one found is printed with one import chain around it.
- ``top_level``: no module imports another project module inside a function or method. Such an
  import hides a dependency from the tree and from the layers contract; the one exception is an
  import under ``if TYPE_CHECKING:`` (for type hints only, never run).

Both read the same graph as the layers contract (grimp), which leaves out ``TYPE_CHECKING`` imports
when ``exclude_type_checking_imports`` is set.
"""

from __future__ import annotations

import ast
import importlib.machinery
from pathlib import Path

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _circles(graph: ImportGraph, modules: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


class AcyclicContract(Contract):
    """No import circle among the modules of ``containers`` (and between them)."""

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        modules = {m for c in self.containers for m in graph.find_descendants(c) | {c}}
        circles = _circles(graph, modules)
        chains = []
        for circle in circles:
            first, second = (
                circle[0],
                next(m for m in circle[1:] if graph.find_shortest_chain(circle[0], m) is not None),
            )
            there = graph.find_shortest_chain(first, second) or (first, second)
            back = graph.find_shortest_chain(second, first) or (second, first)
            chains.append(list(there) + list(back[1:]))
        return ContractCheck(kept=not circles, metadata={"circles": circles, "chains": chains})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for circle, chain in zip(check.metadata["circles"], check.metadata["chains"], strict=True):
            output.print_error(f"Import circle among {len(circle)} modules: {', '.join(circle)}")
            output.print_error("    " + " -> ".join(chain), bold=False)
            output.new_line()


def _function_imports(path: Path, project: tuple[str, ...], module: str) -> list[tuple[int, str]]:
    """(line, imported module) for each import of a project module inside a function of ``path``,
    leaving out imports under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []

    def imported(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            return [".".join(base + ([node.module] if node.module else []))]
        return [node.module or ""]

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                found.extend((child.lineno, name) for name in imported(child) if name.split(".")[0] in project)
            visit(child, inside)

    visit(tree, False)
    return found


def _source(module: str) -> Path | None:
    """The file of a project module, found without importing it (importing ``ui`` would start
    Streamlit's caches)."""
    root, _, rest = module.partition(".")
    spec = importlib.machinery.PathFinder.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations)), *rest.split(".")) if rest else None
    if base is None:
        return Path(spec.origin) if spec.origin else None
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


class TopLevelImportsContract(Contract):
    """Every import of a project module in ``containers`` is at the top of its module, not inside a
    function (``if TYPE_CHECKING:`` imports aside)."""

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        project = tuple(self.session_options["root_packages"])
        offences = []
        for container in self.containers:
            for module in sorted(graph.find_descendants(container) | {container}):
                path = _source(module)
                if path is None:
                    continue
                for line, name in _function_imports(path, project, module):
                    offences.append(f"{module}:{line} imports {name} inside a function")
        return ContractCheck(kept=not offences, metadata={"offences": offences})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for offence in check.metadata["offences"]:
            output.print_error(offence, bold=False)
        output.new_line()
