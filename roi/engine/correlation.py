"""Rank correlations between uncertain inputs (Iman and Conover, 1982), declared in a scenario.

The Monte Carlo draws each ranged input on its own. A scenario may say that two inputs move
together (``correlations: [{inputs: [A, B], rank_correlation: r}]``); :func:`correlate` then
reorders the draws of the inputs named so that their rank correlations approach the ones declared,
and leaves every input's own draws (its marginal distribution) exactly as they were: each column
comes back a permutation of itself.

The method is Iman and Conover's distribution-free one ("A distribution-free approach to inducing
rank correlation among input variables", Communications in Statistics B 11(3), 1982, 311-334):
give each column van der Waerden scores (normal quantiles of i / (n + 1)) in a random order, remove
the scores' own chance correlation with the inverse of a factor of their correlation matrix, impose
the target with a factor of the target, and re-rank each input's sorted draws by the result. Two
refinements, both documented in docs/method.md: the target is a rank (Spearman) correlation, so it
is turned into the normal scores' Pearson correlation 2 sin(pi r / 6) first (for normal scores,
Spearman r_s = (6 / pi) arcsin(r / 2)); and the factors are Cholesky factors that allow a zero
pivot, so a singular target (a correlation of 1) works.

Pure numpy: no scipy.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

from roi.inputs.correlation import PSD_TOLERANCE, matrix_of, name_of

if TYPE_CHECKING:  # pragma: no cover - types only
    from roi.inputs.library import Scenario

_PIVOT = 1e-12  # a Cholesky pivot at most this is taken as zero (a singular target)


# -- the method ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _scores(n: int) -> np.ndarray:
    """Van der Waerden scores: the standard normal quantiles of 1/(n+1), ..., n/(n+1), ascending."""
    inverse = NormalDist().inv_cdf
    scores = np.array([inverse(i / (n + 1)) for i in range(1, n + 1)])
    scores.flags.writeable = False
    return scores


def _factor(matrix: np.ndarray) -> np.ndarray:
    """A lower-triangular L with L @ L.T == matrix, for a positive semi-definite matrix that may be
    singular: a pivot that is (numerically) zero gives a zero column instead of a division by it."""
    k = matrix.shape[0]
    lower = np.zeros((k, k))
    for j in range(k):
        pivot = matrix[j, j] - lower[j, :j] @ lower[j, :j]
        if pivot <= _PIVOT:
            continue
        lower[j, j] = np.sqrt(pivot)
        lower[j + 1 :, j] = (matrix[j + 1 :, j] - lower[j + 1 :, :j] @ lower[j, :j]) / lower[j, j]
    return lower


def _pearson_for_spearman(target: np.ndarray) -> np.ndarray:
    """The normal scores' Pearson correlations that give the target rank correlations; if that
    matrix is not positive semi-definite (it can happen near the edge), its nearest one with a unit
    diagonal (negative eigenvalues set to zero, then rescaled)."""
    pearson = 2.0 * np.sin(np.pi * target / 6.0)
    np.fill_diagonal(pearson, 1.0)
    values, vectors = np.linalg.eigh(pearson)
    if values.min() >= -PSD_TOLERANCE:
        return pearson
    repaired = (vectors * np.clip(values, 0.0, None)) @ vectors.T
    scale = np.sqrt(np.clip(np.diag(repaired), 1e-300, None))
    repaired = repaired / np.outer(scale, scale)
    np.fill_diagonal(repaired, 1.0)
    return repaired


def _digest(values: np.ndarray) -> bytes:
    """A fingerprint of a sorted column: about a thousand of its values, evenly spaced, and its sum."""
    sample = values[:: max(1, values.size // 1024)]
    return hashlib.blake2b(sample.tobytes() + np.sum(values).tobytes(), digest_size=16).digest()


def _canonical_order(ordered: dict[int, np.ndarray]) -> list[int]:
    """The columns (given sorted, by index) in an order set by their contents (a digest of each
    column's sorted values), so that the result does not depend on the order the columns were given
    in. Columns with the same values keep their given order."""
    digests = {j: _digest(values) for j, values in ordered.items()}
    return sorted(ordered, key=lambda j: (digests[j], j))


def iman_conover(samples: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column of ``samples`` (n draws x k inputs) so that the columns' rank
    correlations approach ``target`` (k x k, a valid correlation matrix: see
    :func:`roi.inputs.correlation.check_matrix`).

    Each column of the result is a permutation of the same column of ``samples``, so every input
    keeps its draws exactly. Constant columns (a collapsed range) have no ranks to correlate and come
    back unchanged, as does everything when n or k is 1. The result does not depend on the order of
    the columns (permute the columns and the target alike, and the result's columns are permuted
    alike), except among columns holding exactly the same values."""
    samples = np.asarray(samples, dtype=float)
    target = np.asarray(target, dtype=float)
    if samples.ndim != 2 or target.shape != (samples.shape[1], samples.shape[1]):
        raise ValueError("samples must be n x k and target k x k")
    out = np.array(samples, order="F")  # columns contiguous
    n, k = samples.shape
    ordered = {j: np.sort(out[:, j]) for j in range(k)} if n > 1 else {}
    ordered = {j: values for j, values in ordered.items() if values[-1] > values[0]}  # constant: no ranks
    if len(ordered) < 2:
        return out
    order = _canonical_order(ordered)
    wanted = _pearson_for_spearman(target[np.ix_(order, order)])
    scores = _scores(n)
    m = np.empty((len(order), n))  # M transposed: one row of scores per input, each in a random order
    for position in range(len(order)):
        m[position] = scores[rng.permutation(n)]
    # Remove the scores' own chance correlation E (E = Q Q^T), then impose the target (C = P P^T):
    # T = M Q^-T P^T has correlation P Q^-1 E Q^-T P^T = C exactly. Here T^T = P Q^-1 M^T.
    own = np.atleast_2d(np.corrcoef(m))
    q = _factor(own)
    q_inverse = np.linalg.inv(q) if np.all(np.diag(q) > 0) else np.linalg.pinv(q)
    t = (_factor(wanted) @ q_inverse) @ m
    for position, column in enumerate(order):  # the i-th smallest draw goes where t has its i-th smallest
        out[np.argsort(t[position]), column] = ordered[column]
    return out


def spearman(samples: np.ndarray) -> np.ndarray:
    """Spearman rank correlation matrix of the columns (ties ranked by position; for checks)."""
    ranks = np.argsort(np.argsort(np.asarray(samples, dtype=float), axis=0, kind="stable"), axis=0, kind="stable")
    return np.atleast_2d(np.corrcoef(ranks, rowvar=False))


# -- in the simulation -------------------------------------------------------------------------------


def correlate(
    scenario: Scenario, values: dict[tuple[str, ...], np.ndarray], rng: np.random.Generator
) -> dict[tuple[str, ...], np.ndarray]:
    """The draws with those of the correlated inputs reordered by :func:`iman_conover` (the rest,
    and everything when the scenario declares no correlations, untouched; ``rng`` is then unused)."""
    if not scenario.spec.correlations:
        return values
    names, matrix = matrix_of(scenario)
    by_name = {name_of(key): key for key in values}
    keys = [by_name[name] for name in names]
    reordered = iman_conover(np.column_stack([values[key] for key in keys]), matrix, rng)
    out = dict(values)
    for j, key in enumerate(keys):
        out[key] = np.ascontiguousarray(reordered[:, j])
    return out


__all__ = ["correlate", "iman_conover", "spearman"]
