"""Make the deal: every rule on the shipped district offer with 2,000 draws for the chance each
partner loses cash; prints a table (not a test).

Run: python benchmarks/bench_deal.py
Each row times roi.analysis.deal.propose with the simulation's draws (median of 7), and beside it the same
plus simulating 2,000 draws afresh (what the page and the `deal` verb do on a new scenario).
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import roi  # noqa: E402
from roi.analysis import deal  # noqa: E402
from roi.engine.uncertainty import simulation_for  # noqa: E402

DRAWS, SEED, REPEATS = 2_000, 1, 7
OPTIONS = {
    "proportional": {},
    "proportional_cash": {},
    "cash_break_even": {},
    "equal_return": {},
    "custom": {"shares": {"district": 0.5, "county_asc": 0.3, "nhs_acute": 0.2}},
    "gain_share": {"payer": "nhs_acute", "outcome": "bed_day", "price": 200.0, "cap": 150_000.0},
}


def median_ms(call) -> float:  # noqa: ANN001
    call()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    scenario = roi.load_scenario("district_offer")
    result = roi.run(scenario)
    simulation = simulation_for(scenario, DRAWS, SEED)
    simulate_ms = median_ms(lambda: simulation_for(scenario, DRAWS, SEED))
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}; district offer, {DRAWS:,} draws")
    print(f"Simulating {DRAWS:,} draws alone: {simulate_ms:.1f} ms\n")
    print(f"{'rule':<20}{'propose ms':>12}{'with fresh draws ms':>22}")
    total = 0.0
    for rule, options in OPTIONS.items():
        alone = median_ms(
            lambda rule=rule, options=options: deal.propose(result, rule, simulation=simulation, **options)
        )
        fresh = median_ms(
            lambda rule=rule, options=options: deal.propose(
                roi.run(scenario), rule, simulation=simulation_for(scenario, DRAWS, SEED), **options
            )
        )
        total += alone
        print(f"{rule:<20}{alone:>12.1f}{fresh:>22.1f}")
    print(f"{'every rule':<20}{total:>12.1f}{total + simulate_ms:>22.1f}   (one simulation shared)")
    print("\nTarget: every rule, with 2,000 draws for the worse-off chances, under 200 ms.")


if __name__ == "__main__":
    main()
