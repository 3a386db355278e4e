"""The engine beside a bare-numpy floor, in one run; prints a table (not a test).

Run: python benchmarks/bench_engine.py [--before PATH] [--label TEXT]

The floor is the least any engine could do for the district offer's simulation, written in bare numpy
with nothing else: the same number of triangular draws (inverse CDF, one row a ranged input), then
every line over the years (each benefit line a product of five drawn factors times its cohort
profile, each cost line cases x cost per case + fixed cost in the programme years), discounting,
sums by table (costs, benefits, fiscal, cash), partner and year, running totals, and the paybacks in
total and by partner. Its structure (profiles, bearers, shares) is taken once from the engine and not
timed. It keeps no per-partner results and does no checks, rank correlations or layout.

Times are the fastest of several runs (the machine is shared; the fastest run is the least
disturbed); the floor is timed before and after the engines, and the faster kept. Peak memory is
tracemalloc's, during the call. ``--before PATH`` also times the engine of another checkout (its own
module paths), in a subprocess, in the same run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _fastest(call, repeats: int) -> float:
    call()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def _peak(call) -> float:
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def measure_engine(root: Path) -> dict[str, float]:
    """The engine of the checkout at ``root``: run + totals, and the simulation at three sizes."""
    sys.path.insert(0, str(root))
    import roi

    try:
        from roi.engine import uncertainty
    except ImportError:  # a checkout before the layers
        from roi import uncertainty

    scenario = roi.load_scenario("district_offer")

    def engine_totals() -> None:
        result = roi.run(scenario)
        result.totals["npv"]  # noqa: B018 - the engine's figures
        result.totals["payback_year"]  # noqa: B018

    out = {
        "run_totals_ms": 1000 * _fastest(engine_totals, 50),
        "sim_10k_s": _fastest(lambda: uncertainty.simulate(scenario, 10_000, seed=1), 7),
        "sim_100k_s": _fastest(lambda: uncertainty.simulate(scenario, 100_000, seed=1), 3),
        "sim_1m_s": _fastest(lambda: uncertainty.simulate(scenario, 1_000_000, seed=1), 1),
        "peak_100k_mb": _peak(lambda: uncertainty.simulate(scenario, 100_000, seed=1)),
        "peak_1m_mb": _peak(lambda: uncertainty.simulate(scenario, 1_000_000, seed=1)),
    }
    return out


# -- the floor -------------------------------------------------------------------------------------


def floor_structure():  # noqa: ANN201 - a plain tuple of arrays
    """The district offer's lines, taken once from the engine (not timed)."""
    sys.path.insert(0, str(ROOT))
    import roi
    from roi.engine import model
    from roi.inputs.parameters import parameters
    from roi.inputs.schema import FISCAL_VALUE_TYPES

    scenario = roi.load_scenario("district_offer")
    ranges = np.array([(p.low, p.central, p.high) for p in parameters(scenario)])
    cost_lines, lines = model.build(scenario, {}, 1)
    factors, health = (c[:, 0] for c in model.discount_columns(scenario))
    partners = list(model.evaluate(scenario, {}, 1).partner_costs)
    index = {p: j for j, p in enumerate(partners)}
    k = len(ranges)
    costs = []
    for n, line in enumerate(cost_lines):
        funded = (line.base[:, 0] > 0).astype(float) * factors
        shares = [(index[f], s * (1 + line.uplift)) for f, s in line.funded_by.items()]
        costs.append((funded, [(3 * n + i) % k for i in range(3)], shares))
    benefits = []
    for n, line in enumerate(lines):
        profile = line.persisting[:, 0] * (health if line.health else factors)
        tables = []
        for b in line.bearers:
            fiscal = b.value_type in FISCAL_VALUE_TYPES
            tables.append((index[b.partner], b.share, fiscal, b.value_type == "fiscal_cashable"))
        benefits.append((profile, [(5 * n + i) % k for i in range(5)], tables))
    return ranges, costs, benefits, len(partners), len(factors)


def floor(structure, draws: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Bare numpy: triangular draws, lines x years, discounting, sums by partner, paybacks."""
    ranges, costs, benefits, partners, years = structure
    rng = np.random.default_rng(seed)
    u = rng.random((len(ranges), draws))
    x = np.empty_like(u)
    for i, (low, mode, high) in enumerate(ranges):
        if high <= low:
            x[i] = mode
            continue
        split = (mode - low) / (high - low)
        x[i] = np.where(
            u[i] < split,
            low + np.sqrt(u[i] * (high - low) * (mode - low)),
            high - np.sqrt((1 - u[i]) * (high - low) * (high - mode)),
        )
    flows = np.zeros((4, partners, years, draws))  # costs, benefits, fiscal, cash
    for funded, (a, b, c), shares in costs:
        pv = funded[:, None] * (x[a] * x[b] + x[c])
        for j, share in shares:
            flows[0, j] += share * pv
    for profile, (a, b, c, d, e), tables in benefits:
        pv = profile[:, None] * (x[a] * x[b] * (1 - x[c] / 2) * (1 - x[d] / 2) * x[e])
        for j, share, fiscal, cash in tables:
            part = share * pv
            flows[1, j] += part
            if fiscal:
                flows[2, j] += part
            if cash:
                flows[3, j] += part
    for t in range(1, years):
        np.add(flows[:, :, t - 1], flows[:, :, t], out=flows[:, :, t])
    overall = flows.sum(axis=1)

    def payback(saved: np.ndarray, spent: np.ndarray, axis: int) -> np.ndarray:
        covered = (spent > 0) & (saved >= spent * (1 - 1e-9))
        return np.where(covered.any(axis=axis), covered.argmax(axis=axis) + 1, 0)

    for table in (2, 3):
        payback(overall[table], overall[0], 0)
        payback(flows[table], flows[0], 1)
    return overall[1, -1] - overall[0, -1], flows[:, :, -1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="another checkout to time in the same run")
    parser.add_argument("--engine-only", type=Path, help=argparse.SUPPRESS)  # used for --before
    args = parser.parse_args()
    if args.engine_only:
        print(json.dumps(measure_engine(args.engine_only)))
        return
    structure = floor_structure()
    floor_10k = _fastest(lambda: floor(structure, 10_000), 7)
    rows = {}
    if args.before:
        done = subprocess.run(
            [sys.executable, __file__, "--engine-only", str(args.before.resolve())],
            capture_output=True,
            text=True,
            check=True,
            cwd=args.before,
        )
        rows["before"] = json.loads(done.stdout.strip().splitlines()[-1])
    rows["after"] = measure_engine(ROOT)
    floor_10k = min(floor_10k, _fastest(lambda: floor(structure, 10_000), 7))  # again, after the engines
    print("District offer, one run. Floor: bare numpy of the same triangular draws, lines x years,")
    print("discounting, sums by partner and year, running totals and paybacks (see this file).")
    print(f"Floor, 10,000 draws: {floor_10k:.4f} s; 100 x floor: {100 * floor_10k:.2f} s\n")
    head = (
        f"{'engine':<8}{'run+totals ms':>14}{'10k s':>9}{'x floor':>9}{'100k s':>9}"
        f"{'1M s':>8}{'x 100 floors':>13}{'peak 100k MB':>13}{'peak 1M MB':>11}"
    )
    print(head)
    for label, r in rows.items():
        print(
            f"{label:<8}{r['run_totals_ms']:>14.2f}{r['sim_10k_s']:>9.4f}{r['sim_10k_s'] / floor_10k:>9.2f}"
            f"{r['sim_100k_s']:>9.3f}{r['sim_1m_s']:>8.2f}{r['sim_1m_s'] / (100 * floor_10k):>13.2f}"
            f"{r['peak_100k_mb']:>13.1f}{r['peak_1m_mb']:>11.1f}"
        )
    print("\nGoals: 10k within 1.3 x floor; 1M within 1.3 x 100 floors and under 256 MB; run+totals under 5 ms.")


if __name__ == "__main__":
    main()
