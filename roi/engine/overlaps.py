"""Double counting between interventions: find it, say what is at stake, and remove what the user declares.

Two interventions of one scenario may value the same thing for the same people: both avoid the same
unit cost (an outcome with ``effect: avoids`` on it), or the library tags them as the same service
(``service: home_adaptations`` on the DFG's outcomes and on the toolkit's "£2 per £1" for adaptations).
Each such pair is reported in plain English with both labels and the pounds at stake; the user
declares the share of people the two have in common in the scenario's ``overlaps:`` list, and
:func:`remove_overlaps`, the one post-pass at the end of :func:`roi.engine.model.build`, removes it once.

The rule (docs/method.md, "Double counting between interventions"):

* The lines that overlap are the *second-named* intervention's benefit lines on what the pair shares:
  every line of it when the two are tagged the same service, or when a declared pair shares no
  avoided unit cost (the user knows a link the library does not); otherwise its lines on the unit
  costs both avoid; or, where the overlap names ``unit_cost``, that one's line only. An outcome
  whose quantity follows an overlapping one (``quantity_follows``: the same people, e.g. the home
  care that replaces a care home) overlaps with it.
* A declared ``share`` s scales those lines by (1 - s): at s = 1 they are removed, at s = 0 nothing is
  (the two serve different people, and the warning is silenced). Several overlaps on one line multiply.
* The pounds at stake are the present value of those lines before removal. For a pair not declared,
  the second is the ratio-based one where just one of the two is (a ratio cannot be split by unit
  cost), otherwise the one whose overlapping lines are worth less (the most that can be counted twice
  is the smaller of the two); on a tie, the later one in the scenario.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from roi.inputs.checks import avoided_costs
from roi.inputs.formats import pounds
from roi.inputs.schema import follow_target

if TYPE_CHECKING:  # roi.engine.model imports this module; these are for type hints only
    from roi.engine.model import Line
    from roi.inputs.library import Scenario
    from roi.inputs.schema import Intervention


@dataclass(frozen=True)
class DoubleCount:
    """One pair of interventions that may count the same value twice, and what was done about it.

    ``second`` is the intervention whose lines are (or would be) reduced; ``at_stake`` the present
    value of its overlapping lines before this overlap's removal; ``share`` the declared share of
    people in common (None: not declared); ``removed`` the present value taken out (``at_stake x share``).
    """

    first: str
    second: str
    service: str | None
    unit_costs: tuple[str, ...]
    at_stake: float
    share: float | None
    removed: float
    unit_cost: str | None = None
    whole: bool = False  # every benefit line of ``second`` overlaps
    text: str | None = None


def _same_service(a: Intervention, b: Intervention) -> str | None:
    return a.service if a.service is not None and a.service == b.service else None


def _shared(a: Intervention, b: Intervention) -> tuple[str, ...]:
    theirs = set(avoided_costs(b))
    return tuple(u for u in avoided_costs(a) if u in theirs)


def pairs(scenario: Scenario) -> Iterator[tuple[Intervention, Intervention, str | None, tuple[str, ...]]]:
    """Every pair (in scenario order) that is the same service or avoids a unit cost in common."""
    interventions = scenario.interventions
    for i, a in enumerate(interventions):
        for b in interventions[i + 1 :]:
            service, shared = _same_service(a, b), _shared(a, b)
            if service is not None or shared:
                yield a, b, service, shared


def overlapping(first: Intervention, second: Intervention, unit_cost: str | None = None) -> frozenset[str] | None:
    """The outcomes of ``second`` whose lines overlap with ``first`` (None: all of its lines)."""
    if unit_cost is not None:
        keys = {unit_cost}
    else:
        shared = _shared(first, second)
        if _same_service(first, second) is not None or not shared:
            return None
        keys = set(shared)
    outcomes = second.outcomes
    leads = [None if o.quantity_follows is None else follow_target(outcomes, o.quantity_follows) for o in outcomes]
    followers = {
        o.unit_cost for o, j in zip(outcomes, leads, strict=True) if j is not None and outcomes[j].unit_cost in keys
    }
    return frozenset(keys | followers)


def _matches(line: Line, second: str, outcomes: frozenset[str] | None) -> bool:
    return line.intervention == second and (outcomes is None or line.outcome in outcomes)


def remove_overlaps(scenario: Scenario, lines: list[Line]) -> list[Line]:
    """The benefit lines with each declared overlap removed once: the second-named intervention's
    overlapping lines scaled by (1 - share). Lines of interventions not built (``only``) are absent
    and need nothing; with no overlaps declared the lines come back unchanged."""
    declared = scenario.spec.overlaps
    if not declared:
        return lines
    by_id = {i.id: i for i in scenario.interventions}
    for overlap in declared:
        if overlap.share == 0:
            continue
        first, second = (by_id[i] for i in overlap.interventions)
        outcomes = overlapping(first, second, overlap.unit_cost)
        keep = 1.0 - overlap.share
        lines = [
            replace(line, scale=line.scale * keep) if _matches(line, second.id, outcomes) else line for line in lines
        ]
    return lines


# ---------------------------------------------------------------------------------------------------
# What the user is told


def _present_values(lines: list[Line], discount: tuple[np.ndarray, np.ndarray]) -> dict[tuple[str, str], float]:
    """Present value of each line at the first draw, by (intervention, outcome), discounted as the engine
    discounts it (``discount``: the standard and health columns of :func:`roi.engine.model.discount_columns`)."""
    standard, health = discount
    out: dict[tuple[str, str], float] = defaultdict(float)
    for line in lines:
        factors = health if line.health else standard
        out[(line.intervention, line.outcome)] += float((line.amount()[:, :1] * factors).sum())
    return out


def find(scenario: Scenario, before: list[Line], discount: tuple[np.ndarray, np.ndarray]) -> tuple[DoubleCount, ...]:
    """Every declared overlap and every pair found but not declared, with the pounds at stake and
    removed and the sentence to show (None for a declared share of 0: the warning is silenced).

    ``before`` are the engine's benefit lines before any overlap is removed (one draw, as
    :func:`roi.engine.model.run` builds them) and ``discount`` its discount columns."""
    declared = scenario.spec.overlaps
    pv = _present_values(before, discount)
    by_id = {i.id: i for i in scenario.interventions}
    keep: dict[tuple[str, str], float] = defaultdict(lambda: 1.0)

    def worth(second: Intervention, outcomes: frozenset[str] | None) -> tuple[float, list[tuple[str, str]]]:
        keys = [k for k in pv if k[0] == second.id and (outcomes is None or k[1] in outcomes)]
        return sum(pv[k] * keep[k] for k in keys), keys

    found: list[DoubleCount] = []
    for overlap in declared:
        first, second = (by_id[i] for i in overlap.interventions)
        outcomes = overlapping(first, second, overlap.unit_cost)
        at_stake, keys = worth(second, outcomes)
        for k in keys:
            keep[k] *= 1.0 - overlap.share
        item = DoubleCount(
            first.id,
            second.id,
            _same_service(first, second),
            _shared(first, second),
            at_stake,
            overlap.share,
            at_stake * overlap.share,
            overlap.unit_cost,
            outcomes is None,
        )
        found.append(replace(item, text=_text(scenario, item)))
    declared_pairs = {frozenset(o.interventions) for o in declared}
    for a, b, service, shared in pairs(scenario):
        if frozenset((a.id, b.id)) in declared_pairs:
            continue
        if a.ratio_based != b.ratio_based:
            first, second = (b, a) if a.ratio_based else (a, b)
        else:
            a_worth, b_worth = worth(a, overlapping(b, a))[0], worth(b, overlapping(a, b))[0]
            first, second = (b, a) if a_worth < b_worth else (a, b)
        outcomes = overlapping(first, second)
        at_stake = worth(second, outcomes)[0]
        item = DoubleCount(first.id, second.id, service, shared, at_stake, None, 0.0, None, outcomes is None)
        found.append(replace(item, text=_text(scenario, item)))
    return tuple(found)


def _what(scenario: Scenario, item: DoubleCount) -> str:
    """What the two have in common, in users' words."""
    if item.unit_cost is not None:
        return f"both avoid the same cost ({scenario.unit_costs[item.unit_cost].label})"
    if item.service is not None:
        return f"value the same service ({item.service.replace('_', ' ')})"
    if item.unit_costs:
        names = [scenario.unit_costs[u].label for u in item.unit_costs]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"both avoid the same {'cost' if len(names) == 1 else 'costs'} ({listed})"
    return "were declared to serve some of the same people"


def _text(scenario: Scenario, item: DoubleCount) -> str | None:
    if item.share == 0:
        return None
    labels = {i.id: i.label for i in scenario.interventions}
    first, second = labels[item.first], labels[item.second]
    what = _what(scenario, item)
    part = f"all the benefits of {second}" if item.whole else f"the benefits of {second} on what they share"
    if item.share is None:
        return (
            f"Possible double counting: {first} and {second} {what}. If they serve the same people, up to "
            f"{pounds(item.at_stake)} ({part}, present value) is counted twice. Say what share of people "
            "they have in common (on Build the offer, or in the scenario's overlaps), or 0 if they are "
            "different people."
        )
    return (
        f"Double counting removed: {first} and {second} {what}, with {item.share:.0%} of people in common. "
        f"{pounds(item.removed)} of the benefits of {second} (present value; {item.share:.0%} of the "
        f"{pounds(item.at_stake)} at stake) is counted once, under {first}, and taken out of {second}."
    )


def notes(found: tuple[DoubleCount, ...]) -> tuple[str, ...]:
    """The sentences to show, in order: declared overlaps first, then pairs not declared."""
    return tuple(item.text for item in found if item.text)
