"""Tornado and switching values with and without a time budget; prints a table (not a test).

Run: python benchmarks/bench_sensitivity.py

Three scenarios: the shipped district offer; the heaviest a user can load (100 interventions, 23
outcomes each, 523 ranged inputs, a 60-year horizon, within roi.inputs.limits); and one the size of
the scenario in issue 15 (11,523 ranged inputs) built past those limits, as an engine call could be.
Each is timed with `roi.engine.uncertainty.sensitivity_tables` (what the page and the `sensitivity` verb
call) under no budget, the verb's 30 s, the page's 5 s and 0.5 s.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import roi  # noqa: E402
from roi.engine import uncertainty
from roi.inputs import limits  # noqa: E402
from roi.inputs.library import check_size  # noqa: E402
from roi.inputs.schema import ScenarioSpec  # noqa: E402

FIVE = {
    "deadweight": [0.1, 0.3],
    "displacement": [0.0, 0.2],
    "attribution": [0.5, 1.0],
    "drop_off": [0.0, 0.3],
    "quantity_per_case": [0.5, 1.5],
}


def spec(ranged_outcomes: int, ranges: dict, settings: dict | None = None) -> ScenarioSpec:
    """100 interventions with an outcome on every library unit cost; the first ``ranged_outcomes``
    outcomes of each carry ``ranges``."""
    costs = list(roi.load_library().unit_costs)
    return ScenarioSpec.model_validate(
        {
            "name": "heavy",
            "settings": settings or {},
            "interventions": [
                {
                    "id": f"custom_{i}",
                    "label": f"Scheme {i}",
                    "cases_per_year": 10,
                    "cost_per_case": 1000,
                    "funded_by": {"district": 1.0},
                    "outcomes": [
                        {"unit_cost": c, "quantity_per_case": 1, "deadweight": 0.2}
                        | ({"ranges": ranges} if k < ranged_outcomes else {})
                        for k, c in enumerate(costs)
                    ],
                }
                for i in range(100)
            ],
        }
    )


def main() -> None:
    allowed = spec(5, {"deadweight": [0.1, 0.3]}, {"horizon_years": 60, "programme_years": 30})
    scenarios = {
        "district offer": roi.load_scenario("district_offer"),
        "heaviest allowed": roi.resolve(check_size(allowed, "heavy.yaml")),
        "issue 15's size": roi.resolve(spec(len(roi.load_library().unit_costs), FIVE)),
    }
    print(f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}\n")
    print(f"{'scenario':<18} {'inputs':>7} {'budget s':>9} {'median s':>9} {'worst s':>8} {'checked':>8} {'sought':>7}")
    for name, scenario in scenarios.items():
        total = len(uncertainty.parameters(scenario))
        for budget in (None, 30.0, limits.SENSITIVITY_SECONDS, 0.5):
            times, tables = [], None
            for _ in range(3):
                start = time.perf_counter()
                tables = uncertainty.sensitivity_tables(scenario, max_seconds=budget)
                times.append(time.perf_counter() - start)
            switching = tables[1]
            shown = "none" if budget is None else f"{budget:g}"
            print(
                f"{name:<18} {total:>7,} {shown:>9} {statistics.median(times):>9.3f} {max(times):>8.3f} "
                f"{switching.attrs['checked']:>8,} {switching.attrs['sought']:>4}/{len(switching)}"
            )
    print("\nAim: with a budget, done within the budget and one batch; with an ample one, the same tables.")


if __name__ == "__main__":
    main()
