"""Time `roi.run` on the shipped whole-district offer and print a table (not a test).

Run: python benchmarks/bench_model.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import roi  # noqa: E402


def timed(label: str, action, repeats: int = 200) -> tuple[str, float, float]:
    action()  # warm up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return label, statistics.median(samples), min(samples)


def main() -> None:
    scenario = roi.load_scenario("district_offer")
    rows = [
        timed("load_scenario('district_offer')", lambda: roi.load_scenario("district_offer")),
        timed("run(scenario)", lambda: roi.run(scenario)),
        timed("run(scenario) + totals + by_partner", lambda: (lambda r: (r.totals, r.by_partner()))(roi.run(scenario))),
        timed(
            "run + every table (totals, partner, intervention, year, matrix, waterfall)",
            lambda: (
                lambda r: (
                    r.totals,
                    r.by_partner(),
                    r.by_intervention(),
                    r.by_year(),
                    r.who_pays_who_saves(),
                    r.waterfall(),
                )
            )(roi.run(scenario)),
            repeats=100,
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'operation'.ljust(width)}  median ms  best ms")
    for label, median, best in rows:
        print(f"{label.ljust(width)}  {median:9.2f}  {best:7.2f}")
    print("\nAim: run(scenario) under 20 ms.")


if __name__ == "__main__":
    main()
