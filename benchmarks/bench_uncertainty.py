"""Monte Carlo speed and peak memory on the shipped district offer; prints a table (not a test).

Run: python benchmarks/bench_uncertainty.py [--max 1000000]
The last table is the time cost of rank correlations (roi.engine.correlation) on 100,000 draws.
Peak memory is numpy's and Python's allocations during the call, measured with tracemalloc.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import roi  # noqa: E402
from roi.engine import correlation, uncertainty  # noqa: E402
from roi.inputs.correlation import matrix_of  # noqa: E402
from roi.inputs.schema import Correlation  # noqa: E402


def measure(scenario: roi.Scenario, draws: int) -> tuple[float, float]:
    uncertainty.simulate(scenario, min(draws, 1000), seed=1)  # warm up
    times = []
    for _ in range(3 if draws <= 100_000 else 1):
        start = time.perf_counter()
        uncertainty.simulate(scenario, draws, seed=1)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    uncertainty.simulate(scenario, draws, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def loop_seconds_per_draw(scenario: roi.Scenario, draws: int = 300) -> float:
    """roi.run once per draw, with the totals a simulation reports (scenario building not counted)."""
    start = time.perf_counter()
    for _ in range(draws):
        result = roi.run(scenario)
        result.totals  # noqa: B018 - the figures a draw needs
        result.by_partner()
    return (time.perf_counter() - start) / draws


def with_correlations(scenario: roi.Scenario, count: int) -> roi.Scenario:
    """The scenario with its first ``count`` uncertain inputs correlated in a chain (0.5 between
    neighbours), as a user would declare them in ``correlations:``."""
    names = [".".join(p.key) for p in uncertainty.parameters(scenario)][:count]
    pairs = tuple(Correlation(inputs=(a, b), rank_correlation=0.5) for a, b in zip(names, names[1:], strict=False))
    return roi.resolve(scenario.spec.model_copy(update={"correlations": pairs}))


def _fastest(call, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def correlation_cost(scenario: roi.Scenario, draws: int = 100_000) -> None:
    """Time of the Monte Carlo with and without rank correlations, and of Iman-Conover alone: the
    fastest of 5 runs each, the plain and the correlated run timed in turn (the machine is shared,
    and the fastest run is the least disturbed)."""
    print(f"\nRank correlations (Iman-Conover) on {draws:,} draws, fastest of 5:")
    print(f"{'inputs':>8}  {'pairs':>5}  {'plain s':>8}  {'correlated s':>12}  {'extra':>6}  {'reorder alone s':>15}")
    uncertainty.simulate(scenario, draws, seed=1)  # warm up
    for count in (2, 5, 10, 20):
        correlated = with_correlations(scenario, count)
        plain_s, correlated_s = [], []
        for _ in range(5):
            plain_s.append(_fastest(lambda: uncertainty.simulate(scenario, draws, seed=1), 1))
            correlated_s.append(_fastest(lambda: uncertainty.simulate(correlated, draws, seed=1), 1))  # noqa: B023
        names, matrix = matrix_of(correlated)
        samples = np.random.default_rng(1).random((draws, len(names)))
        alone = _fastest(lambda: correlation.iman_conover(samples, matrix, np.random.default_rng(2)))  # noqa: B023
        plain, seconds = min(plain_s), min(correlated_s)
        print(
            f"{count:>8}  {count - 1:>5}  {plain:>8.3f}  {seconds:>12.3f}  {seconds / plain - 1:>6.0%}  {alone:>15.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max", type=int, default=1_000_000)
    args = parser.parse_args()
    scenario = roi.load_scenario("district_offer")
    per_draw = loop_seconds_per_draw(scenario)
    print(
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{len(uncertainty.parameters(scenario))} uncertain parameters, horizon "
        f"{scenario.settings.horizon_years} years"
    )
    print(f"Looping roi.run: {per_draw * 1000:.2f} ms a draw (timed on 300 draws)\n")
    print(f"{'draws':>10}  {'seconds':>8}  {'peak MB':>8}  {'loop estimate s':>15}  {'speed-up':>8}")
    for draws in (10_000, 100_000, 1_000_000):
        if draws > args.max:
            break
        seconds, peak = measure(scenario, draws)
        loop = per_draw * draws
        print(f"{draws:>10,}  {seconds:>8.3f}  {peak:>8.1f}  {loop:>15.1f}  {loop / seconds:>7.0f}x")
    start = time.perf_counter()
    uncertainty.tornado(scenario)
    uncertainty.switching_values(scenario)
    print(f"\nTornado and switching values: {(time.perf_counter() - start) * 1000:.1f} ms")
    correlation_cost(scenario)
    print("Targets: 10,000 draws under 0.1 s; at least 100x the loop; peak memory under 500 MB at 1,000,000.")


if __name__ == "__main__":
    main()
