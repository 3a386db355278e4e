"""The rank correlations a scenario declares between its uncertain inputs, and their checks.

A scenario may say that two ranged inputs move together (``correlations: [{inputs: [A, B],
rank_correlation: r}]``). This module turns those pairs into a matrix and refuses pairs and matrices
that cannot be used, each with an InputError naming the field. The engine imposes the matrix on the
draws (roi.engine.correlation, Iman and Conover's method).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import numpy as np

from roi.inputs.errors import InputError
from roi.inputs.parameters import parameters

if TYPE_CHECKING:  # pragma: no cover - types only
    from roi.inputs.library import Scenario

PSD_TOLERANCE = 1e-9  # a matrix is positive semi-definite when its smallest eigenvalue is at least -this
SUGGESTIONS = 5  # allowed names listed for an unknown input


# -- checks -------------------------------------------------------------------------------------------


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _contradiction(matrix: np.ndarray) -> list[int] | None:
    """Three or fewer inputs whose correlations alone cannot hold together, the worst first found:
    every trio of inputs two of whose pairs are set (a trio with one set pair is always valid)."""
    k = matrix.shape[0]
    worst: tuple[float, list[int]] | None = None
    for b in range(k):
        linked = [a for a in range(k) if a != b and matrix[a, b] != 0]
        for x, a in enumerate(linked):
            for c in linked[x + 1 :]:
                trio = sorted((a, b, c))
                smallest = float(np.linalg.eigvalsh(matrix[np.ix_(trio, trio)]).min())
                if smallest < -PSD_TOLERANCE and (worst is None or smallest < worst[0]):
                    worst = (smallest, trio)
    return None if worst is None else worst[1]


def check_matrix(matrix: np.ndarray, names: list[str], file: str = "scenario", field: str = "correlations") -> None:
    """Refuse a rank correlation matrix that cannot be used: it must be square and symmetric, with
    1 on the diagonal, every entry from -1 to 1, and positive semi-definite (smallest eigenvalue at
    least -1e-9: correlations that can hold together). ``names`` label the rows in messages. Each
    failure is one InputError naming the file, the field and what is allowed."""
    matrix = np.asarray(matrix, dtype=float)
    k = len(names)
    if matrix.shape != (k, k):
        raise InputError(file, field, f"a {matrix.shape} matrix for {k} inputs; allowed: one row and column per input")
    if not np.all(np.isfinite(matrix)):
        raise InputError(file, field, "a correlation that is not a number; allowed: numbers from -1 to 1")
    for i in range(k):
        if matrix[i, i] != 1.0:
            raise InputError(
                file, field, f"the correlation of {names[i]} with itself is {matrix[i, i]:g}; allowed: exactly 1"
            )
    for i in range(k):
        for j in range(i + 1, k):
            if not -1.0 <= matrix[i, j] <= 1.0:
                raise InputError(
                    file,
                    field,
                    f"the rank correlation of {names[i]} and {names[j]} is {matrix[i, j]:g}; allowed: -1 to 1",
                )
            if matrix[i, j] != matrix[j, i]:
                raise InputError(
                    file,
                    field,
                    f"not symmetric: {names[i]} with {names[j]} is {matrix[i, j]:g} but {names[j]} with "
                    f"{names[i]} is {matrix[j, i]:g}; allowed: the same correlation both ways",
                )
    if k and float(np.linalg.eigvalsh(matrix).min()) < -PSD_TOLERANCE:
        trio = _contradiction(matrix)
        who = (
            f"those of {_and([names[i] for i in trio])}"
            if trio is not None
            else f"those among {k} inputs ({_and(names[:3])}, ...)"
        )
        raise InputError(
            file,
            field,
            f"the rank correlations contradict each other ({who} cannot all hold at once); "
            "allowed: correlations that can hold together (positive semi-definite): weaken one of them",
        )


def name_of(key: tuple[str, ...]) -> str:
    return ".".join(key)


def matrix_of(scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """The inputs named in the scenario's correlations (sorted) and their rank correlation matrix
    (unset pairs 0)."""
    pairs = scenario.spec.correlations
    names = sorted({name for pair in pairs for name in pair.inputs})
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    for pair in pairs:
        a, b = (index[name] for name in pair.inputs)
        if a != b:
            matrix[a, b] = matrix[b, a] = pair.rank_correlation
    return names, matrix


def check_correlations(scenario: Scenario, file: str = "scenario") -> None:
    """Refuse a scenario's ``correlations:`` that name an input without a range in this scenario,
    name one input twice, give a pair twice, or contradict each other (roi.resolve calls this)."""
    pairs = scenario.spec.correlations
    if not pairs:
        return
    known = [name_of(p.key) for p in parameters(scenario)]
    allowed = set(known)
    seen: dict[frozenset[str], int] = {}
    for i, pair in enumerate(pairs):
        for j, name in enumerate(pair.inputs):
            if name not in allowed:
                raise InputError(file, f"correlations[{i}].inputs[{j}]", _unknown(name, known))
        if not -1.0 <= pair.rank_correlation <= 1.0:
            raise InputError(
                file, f"correlations[{i}].rank_correlation", f"{pair.rank_correlation:g}; allowed: -1 to 1"
            )
        a, b = pair.inputs
        if a == b:
            raise InputError(
                file, f"correlations[{i}].inputs", f"names {a} twice; allowed: two different uncertain inputs"
            )
        both = frozenset(pair.inputs)
        if both in seen:
            raise InputError(
                file,
                f"correlations[{i}].inputs",
                f"the pair {a} and {b} is already given at correlations[{seen[both]}]; allowed: each pair once",
            )
        seen[both] = i
    names, matrix = matrix_of(scenario)
    check_matrix(matrix, names, file, "correlations")


def _unknown(name: str, known: list[str]) -> str:
    if not known:
        return f"'{name}' is not an uncertain input of this scenario, which has none (no input has a low-high range)"
    nearest = difflib.get_close_matches(name, known, n=SUGGESTIONS, cutoff=0.0)
    more = len(known) - len(nearest)
    tail = f" (and {more:,} more)" if more > 0 else ""
    return f"'{name}' is not an uncertain input of this scenario; allowed, nearest first: {', '.join(nearest)}{tail}"


__all__ = ["check_correlations", "check_matrix", "matrix_of", "name_of"]
