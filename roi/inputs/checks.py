"""Checks of a resolved scenario's sections that name its other parts (roi.inputs.scenario.resolve calls
them last, so a hand-edited file or a shared link fails on loading, naming the field):
- a deal's partners (public bodies that can pay) and its gain share's outcome;
- overlaps (two different interventions of the scenario, and a unit cost the second avoids).
The correlations' checks are roi.inputs.correlation's. The deal itself is worked out in roi.analysis.deal;
double counting is removed in the engine (roi.engine.overlaps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roi.inputs.errors import InputError
from roi.inputs.schema import GainShareTerms

if TYPE_CHECKING:  # pragma: no cover - types only
    from roi.inputs.library import Scenario
    from roi.inputs.schema import Intervention


# ---------------------------------------------------------------------------------------------------
# A deal's terms


def not_public(partner: str, library: Any) -> str:
    public = [p for p, v in library.partners.items() if v.fiscal]
    return f"'{partner}' is not a public body that can pay (a fiscal partner); allowed: {', '.join(public)}"


def check_gain_share(scenario: Scenario, terms: GainShareTerms, file: str = "deal", prefix: str = "") -> None:
    """Refuse gain-share terms that name a partner that cannot pay or an outcome the scenario lacks."""
    library = scenario.library
    for name in ("payer", "receiver"):
        partner = getattr(terms, name)
        if partner not in library.partners or not library.partners[partner].fiscal:
            raise InputError(file, f"{prefix}gain_share.{name}", not_public(partner, library))
    if terms.payer == terms.receiver:
        raise InputError(file, f"{prefix}gain_share.payer", f"'{terms.payer}' cannot pay itself; choose another payer")
    used = outcomes_of(scenario)
    if terms.outcome not in used:
        raise InputError(
            file,
            f"{prefix}gain_share.outcome",
            f"the scenario has no outcome '{terms.outcome}'; allowed: {', '.join(used) or 'none'}",
        )


def check_deal(scenario: Scenario, file: str = "scenario") -> None:
    """Refuse a scenario's ``deal:`` section that names a partner that cannot pay or an outcome the
    scenario lacks (roi.resolve calls this, so a hand-edited file or a link fails on loading)."""
    deal = scenario.spec.deal
    if deal is None:
        return
    library = scenario.library
    named = [(f"deal.shares.{p}", p) for p in deal.shares]
    named += [(f"deal.by_intervention.{i}.{p}", p) for i, split in deal.by_intervention.items() for p in split]
    for where, partner in named:
        if partner not in library.partners or not library.partners[partner].fiscal:
            raise InputError(file, where, not_public(partner, library))
    if deal.gain_share is not None:
        check_gain_share(scenario, deal.gain_share, file, "deal.")
    elif not (deal.shares or deal.by_intervention):
        raise InputError(file, "deal.shares", "a deal needs shares that sum to 1, or gain_share terms")


def outcomes_of(scenario: Scenario) -> list[str]:
    seen: list[str] = []
    for intervention in scenario.interventions:
        for outcome in intervention.outcomes:
            if outcome.unit_cost not in seen:
                seen.append(outcome.unit_cost)
    return seen


def avoided_costs(intervention: Intervention) -> list[str]:
    """The unit costs an intervention avoids (its outcomes with effect 'avoids'), in order."""
    return [o.unit_cost for o in intervention.outcomes if o.effect == "avoids"]


# ---------------------------------------------------------------------------------------------------
# Overlaps: two different interventions of the scenario, and a unit cost the second avoids


def check_overlaps(scenario: Scenario, file: str) -> None:
    """Each overlap names two different interventions of the scenario, at most once per unit cost,
    and a ``unit_cost`` the second-named one avoids. Share bounds are the schema's."""
    by_id = {i.id: i for i in scenario.interventions}
    ids = ", ".join(by_id)
    seen: set[tuple[frozenset[str], str | None]] = set()
    for n, overlap in enumerate(scenario.spec.overlaps):
        where = f"overlaps[{n}]"
        for j, iid in enumerate(overlap.interventions):
            if iid not in by_id:
                raise InputError(
                    file,
                    f"{where}.interventions[{j}]",
                    f"'{iid}' is not in this scenario; allowed: two different interventions of it ({ids})",
                )
        first, second = overlap.interventions
        if first == second:
            raise InputError(
                file,
                f"{where}.interventions",
                f"names '{first}' twice; allowed: two different interventions of this scenario ({ids})",
            )
        key = (frozenset(overlap.interventions), overlap.unit_cost)
        if key in seen:
            raise InputError(
                file, where, f"'{first}' and '{second}' are declared twice; allowed: one overlap per pair and unit cost"
            )
        seen.add(key)
        if overlap.unit_cost is not None:
            avoided = avoided_costs(by_id[second])
            if overlap.unit_cost not in avoided:
                allowed = ", ".join(avoided) if avoided else "none (it avoids no unit cost: leave unit_cost out)"
                raise InputError(
                    file,
                    f"{where}.unit_cost",
                    f"'{second}' (named second, whose benefits are reduced) does not avoid '{overlap.unit_cost}'; "
                    f"allowed: a unit cost it avoids: {allowed}",
                )
