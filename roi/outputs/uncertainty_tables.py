"""What Uncertainty and sensitivity shows of a simulation and of the sensitivity analysis: the summary
kept of a run, the switching values in words, and the sentences around them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from roi.analysis.summary import range_sentence
from roi.engine.model import Result, position_in
from roi.engine.uncertainty import Simulation
from roi.inputs.formats import number
from roi.inputs.limits import STANDARD_SEED
from roi.inputs.parameters import JUDGEMENT_CLASSES, RANGE_BASIS

Escape = Callable[[str], str]
SHOWN_DRAWS = 20_000  # draws kept for the histograms; the percentiles use every draw

# Whose range it is, only where it is not simply the library's (kept short: the table must fit a projector).
RANGE_NOTE = {
    RANGE_BASIS["yours"]: " (yours)",
    RANGE_BASIS["moved"]: " (moved with yours)",
    RANGE_BASIS["convention"]: " (shared)",
}


def simulation_summary(sim: Simulation) -> dict[str, Any]:
    """What the page shows of a simulation: percentiles and 20,000 draws, not its million draws."""
    return {
        "percentiles": sim.percentiles(),
        "prob_payback": sim.prob_payback,
        "prob_cash_payback": sim.prob_cash_payback,
        "by_partner": sim.by_partner(),
        "draws": sim.draws_frame(SHOWN_DRAWS),
    }


def other_simulation_note(draws: int, seed: int, distribution: str, standard: int) -> str | None:
    """Said when the simulation is not the Overview's and the board pack's, so its percentiles differ."""
    if (draws, seed, distribution) == (standard, STANDARD_SEED, "triangular"):
        return None
    return (
        f"A different simulation from the Overview's and the board pack's ({standard:,} simulations, random "
        "start 1, triangular), so its percentiles differ a little from theirs."
    )


def central_value_sentence(result: Result, npv_draws: np.ndarray) -> tuple[str, bool]:
    """Where the central estimate stands among these draws, and whether it is outside P25-P75 (then the
    sentence says what to check)."""
    outside = position_in(result.totals["npv"], npv_draws)["central_outside_iqr"]
    sentence = range_sentence(result, npv_draws)
    if outside:
        sentence += " Some central values sit near the end of their ranges: check them on Assumptions and evidence."
    return sentence, outside


def histogram_note(draws: int) -> str | None:
    """Said when the histograms show only some of the draws."""
    if draws <= SHOWN_DRAWS:
        return None
    return f"The histograms show the first {SHOWN_DRAWS:,} of {draws:,} draws; percentiles use all of them."


def switching_table(switching: pd.DataFrame) -> pd.DataFrame:
    """The switching values in words: each parameter's central value, its range (and whose it is), the
    value at which NPV is zero, and where that lies against the range."""
    return pd.DataFrame(
        {
            "Parameter": switching["parameter"],
            "Central value": switching["central"].map(number),
            "Range": [
                f"{number(lo)} to {number(hi)}" + RANGE_NOTE.get(whose, "")
                for lo, hi, whose in zip(switching["low"], switching["high"], switching["range_from"], strict=True)
            ],
            "NPV is zero at": ["-" if v is None or pd.isna(v) else number(v) for v in switching["switching_value"]],
            "Against its range": switching["where"],
        }
    )


def shared_judgement_lines(tornado: pd.DataFrame, escape: Escape = str) -> list[str]:
    """For each shared judgement in the tornado, the outcomes it moves at once in every draw."""
    shared = tornado[tornado["moves"] != ""]
    return [
        f"{escape(row['parameter'])}: one judgement for {JUDGEMENT_CLASSES.get(row['key'].split('.')[1], '')}, "
        f"drawn once in each simulation draw for every outcome that uses it: {escape(row['moves'])}."
        for _, row in shared.iterrows()
    ]
