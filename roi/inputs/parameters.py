"""The uncertain inputs of a scenario: every value with a low-high range, and the judgements that are
one input shared by many outcomes.

This is part of reading what the user gave (roi.inputs): the engine draws these (roi.engine.uncertainty),
the bounds count them (roi.inputs.limits), and the correlation check names them (roi.inputs.correlation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from roi.inputs.limits import (
    DRAW_CHOICES,
    MAX_SIMULATION_CELLS,
    STANDARD_DRAWS,
    STANDARD_SIMULATION_CELLS,
)
from roi.inputs.schema import FRACTION_FIELDS, follow_target

if TYPE_CHECKING:  # pragma: no cover - types only
    from roi.inputs.library import Scenario

JUDGEMENT_FIELDS = ("deadweight", "displacement", "attribution", "drop_off")
JUDGEMENT_CLASSES = {
    "controlled": "effects measured against a control group",
    "uncontrolled": "effects measured without a control group",
}


def shared_judgements(scenario: Scenario) -> dict[tuple[str, int, str], tuple[str, ...]]:
    """Judgements at the shipped convention, which are one uncertain input each, not one per outcome.

    Maps (intervention, outcome position, field) to the shared key ("judgement", class, field) for
    every outcome whose adjustments are marked as the library's convention and whose value and range
    for that field are the convention's (appraisal/judgement_convention.yaml). An outcome whose
    adjustments a user has changed is drawn on its own. Only ranged judgements are shared: a
    judgement with no range does not vary."""
    cached = scenario._derived.get("shared_judgements")
    if cached is None:
        cached = scenario._derived["shared_judgements"] = _shared_judgements(scenario)
    return cached


def _shared_judgements(scenario: Scenario) -> dict[tuple[str, int, str], tuple[str, ...]]:
    convention = scenario.library.convention
    if convention is None:
        return {}
    classes = {name: getattr(convention, name) for name in JUDGEMENT_CLASSES}
    out: dict[tuple[str, int, str], tuple[str, ...]] = {}
    for intervention in scenario.interventions:
        for k, outcome in enumerate(intervention.outcomes):
            source = outcome.adjustments_source
            if source is None or not source.convention:
                continue
            for name in JUDGEMENT_FIELDS:
                if name not in outcome.ranges:
                    continue
                low, high = outcome.ranges[name]
                for cls, values in classes.items():
                    rule = values.get(name)
                    if (
                        rule is not None
                        and rule.low is not None
                        and (rule.central, rule.low, rule.high) == (getattr(outcome, name), low, high)
                    ):
                        out[(intervention.id, k, name)] = ("judgement", cls, name)
                        break
    return out


RANGE_BASIS = {
    "library": "the library's",
    "moved": "the library's, moved with your value",
    "yours": "yours",
    "convention": "the shipped convention, shared",
}


@dataclass(frozen=True)
class Parameter:
    """One uncertain input: where it lives, its central value and its low-high range.

    ``basis`` says whose range it is (a key of RANGE_BASIS); ``moves`` names what a shared input moves
    (the outcomes that use one judgement convention), empty for an input of one line."""

    key: tuple[str, ...]
    label: str
    central: float
    low: float
    high: float
    bounded: bool = False  # a share that must stay within [0, 1]
    basis: str = "library"
    moves: tuple[str, ...] = ()

    @property
    def has_range(self) -> bool:
        return self.high > self.low


def _short(label: str) -> str:  # "Homelessness prevention (housing options)" -> "Homelessness prevention"
    return label.split(" (")[0]


def _outcome_labels(scenario: Scenario, intervention) -> list[str]:  # noqa: ANN001 - Intervention
    """'DFG adaptations, Bed-day' for each outcome; where two outcomes of one intervention share a unit
    cost, each is told apart by its id (or its position and lag)."""
    labels = []
    for outcome in intervention.outcomes:
        unit = _short(scenario.unit_costs[outcome.unit_cost].label)
        twins = [o for o in intervention.outcomes if o.unit_cost == outcome.unit_cost]
        if len(twins) > 1:
            detail = outcome.id.replace("_", " ") if outcome.id else f"from year {outcome.lag_years + 1}"
            unit += f" [{detail}]"
        labels.append(f"{_short(intervention.label)}, {unit}")
    return labels


def parameters(scenario: Scenario) -> list[Parameter]:
    """Every input of the scenario that has a low-high range, in a fixed order.

    A unit cost is one input however many outcomes use it; a judgement at the shipped convention is
    one input for every outcome that uses it (:func:`roi.engine.model.shared_judgements`)."""
    found: list[Parameter] = []
    used = []
    shared = shared_judgements(scenario)
    conventions: dict[tuple[str, ...], list[str]] = {}
    spec_costs = scenario.spec.unit_costs
    library_ids = scenario.library.interventions

    for intervention in scenario.interventions:
        own = intervention.id not in library_ids
        for name in ("cases_per_year", "cost_per_case", "fixed_cost_per_year"):
            if name in intervention.ranges:
                low, high = intervention.ranges[name]
                found.append(
                    Parameter(
                        ("intervention", intervention.id, name),
                        f"{_short(intervention.label)}: {name.replace('_', ' ')}",
                        getattr(intervention, name),
                        low,
                        high,
                        basis="yours" if own else intervention.range_basis.get(name, "library"),
                    )
                )
        if intervention.ratio is not None:
            ratio = intervention.ratio
            if ratio.low is not None or ratio.high is not None:
                found.append(
                    Parameter(
                        ("ratio", intervention.id, "value_per_pound"),
                        f"{_short(intervention.label)}: £ per £1 ratio",
                        ratio.value_per_pound,
                        ratio.low or ratio.value_per_pound,
                        ratio.high or ratio.value_per_pound,
                        basis="yours" if own else "library",
                    )
                )
        labels = _outcome_labels(scenario, intervention)
        for k, outcome in enumerate(intervention.outcomes):
            if outcome.unit_cost not in used:
                used.append(outcome.unit_cost)
            # An outcome whose quantity follows this one's has no range of its own: this one's range
            # moves both (roi.engine.model.build), and the label says so.
            followers = [
                labels[j].split(", ", 1)[1]
                for j, o in enumerate(intervention.outcomes)
                if o.quantity_follows is not None and follow_target(intervention.outcomes, o.quantity_follows) == k
            ]
            for name, (low, high) in outcome.ranges.items():
                key = shared.get((intervention.id, k, name))
                if key is not None:
                    conventions.setdefault(key, []).append(labels[k])
                    continue
                moves = f" (with {' and '.join(followers)})" if followers and name == "quantity_per_case" else ""
                found.append(
                    Parameter(
                        ("outcome", intervention.id, str(k), name),
                        f"{labels[k]}: {name.replace('_', ' ')}{moves}",
                        getattr(outcome, name),
                        low,
                        high,
                        bounded=name in FRACTION_FIELDS,
                        basis=outcome.range_basis.get(name, "library"),
                    )
                )
    for cost_id in used:
        cost = scenario.unit_costs[cost_id]
        if cost.low is not None or cost.high is not None:
            override = spec_costs.get(cost_id)
            if cost_id not in scenario.library.unit_costs or (
                override is not None and (override.low is not None or override.high is not None)
            ):
                basis = "yours"
            else:
                basis = "moved" if override is not None and override.value is not None else "library"
            found.append(
                Parameter(
                    ("unit_cost", cost_id, "value"),
                    f"{cost.label}: value (£, {cost.price_year})",
                    cost.value,
                    cost.low if cost.low is not None else cost.value,
                    cost.high if cost.high is not None else cost.value,
                    basis=basis,
                )
            )
    convention = scenario.library.convention
    for key, outcomes in conventions.items():
        _, cls, name = key
        rule = getattr(convention, cls)[name]
        found.append(
            Parameter(
                key,
                f"{name.replace('_', '-').capitalize()} convention: {rule.central:.0%} "
                f"({len(outcomes)} outcome{'s' if len(outcomes) != 1 else ''})",
                rule.central,
                rule.low,
                rule.high,
                bounded=True,
                basis="convention",
                moves=tuple(outcomes),
            )
        )
    return found


# How large a simulation of this scenario may be on the shared server (the bounds are roi.inputs.limits')


def cells_per_draw(scenario: Scenario) -> int:
    """Numbers the simulation computes per draw: each ranged input once, each outcome (or
    ratio-based intervention) once a year of the horizon."""
    rows = sum(max(len(i.outcomes), 1) + 1 for i in scenario.interventions)
    return len(parameters(scenario)) + rows * scenario.settings.horizon_years


def max_draws(scenario: Scenario) -> int:
    """The largest draw count the app offers for this scenario (at least the smallest choice)."""
    allowed = MAX_SIMULATION_CELLS // max(cells_per_draw(scenario), 1)
    fitting = [n for n in DRAW_CHOICES if n <= allowed]
    return max(fitting) if fitting else DRAW_CHOICES[0]


def draw_choices(scenario: Scenario) -> list[int]:
    """The draw counts the Uncertainty page offers for this scenario."""
    largest = max_draws(scenario)
    return [n for n in DRAW_CHOICES if n <= largest]


def standard_draws(scenario: Scenario) -> int:
    """Draws of the scenario's one standard simulation, shown wherever its range is (Overview, the
    Uncertainty page's default, board pack): 10,000 (``roi.inputs.limits.STANDARD_DRAWS``), or the largest of
    the app's choices under :data:`STANDARD_SIMULATION_CELLS` for a very large scenario (at least 1,000)."""
    allowed = STANDARD_SIMULATION_CELLS // max(cells_per_draw(scenario), 1)
    fitting = [n for n in draw_choices(scenario) if n <= min(allowed, STANDARD_DRAWS)]
    return max(fitting) if fitting else DRAW_CHOICES[0]
