"""A scenario resolved against the assumption library: load, parse and resolve.

A scenario names interventions, unit costs and settings of the library (roi.inputs.library) and
overrides some of them with the user's own figures. :func:`resolve` checks every reference, price
year and range, fills in what the scenario leaves to the library (each figure keeping its source,
and a user's own figure credited to the user), adds the GMCA Unit Cost Database rows it names
(roi.inputs.ucd), and then checks the sections that name its other parts: a deal's terms and
overlaps (roi.inputs.checks) and correlations (roi.inputs.correlation). Every problem is an
InputError naming the file and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from roi.inputs import ucd
from roi.inputs.checks import check_deal, check_overlaps
from roi.inputs.correlation import check_correlations
from roi.inputs.errors import InputError, from_validation_error, printable
from roi.inputs.library import (
    SCENARIOS_DIR,
    Library,
    Scenario,
    check_deflator_year,
    check_fiscal,
    check_intervention_refs,
    check_partner,
    check_size,
    check_uplift,
    find_file,
    load_library,
    parse_yaml,
    read_yaml,
    validate,
)
from roi.inputs.schema import (
    FRACTION_FIELDS,
    INTERVENTION_RANGED,
    OUTCOME_RANGED,
    Intervention,
    InterventionChoice,
    ScenarioSpec,
    Source,
    UnitCost,
)

OWN_COST_BASIS = "Your own cost, typed without a grade: graded low until you say how sure it is"


def _scenario_note(spec_name: str, what: str) -> Source:
    """The source of a figure a scenario sets without saying where it came from: the user's own."""
    return Source(user_figure=True, note=f"{what} in scenario '{spec_name}'.")


def move_range(low: float, high: float, old: float, new: float, bounded: bool = False) -> list[float]:
    """The range of an input whose central value changes from ``old`` to ``new``: it keeps its shape
    around the new value. Low and high scale by new / old; a zero new value gives a zero range; where
    the old value was zero (nothing to scale), the range moves by new - old instead. A share stays
    within [0, 1]. (docs/method.md, "Your own figures and their ranges".)"""
    if new == old:
        return [low, high]
    if old > 0:
        moved = [low * new / old, high * new / old]
    else:
        moved = [max(0.0, low + new - old), high + new - old]
    if bounded:
        moved = [min(max(v, 0.0), 1.0) for v in moved]
    return [min(moved[0], new), max(moved[1], new)]  # rounding never leaves the value outside its range


def _move_ranges(
    ranges: dict[str, list[float]],
    old: dict[str, Any],
    changes: dict[str, Any],
    names: tuple[str, ...],
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Every range after an override, and whose each is: the user's own range for a field wins ('yours');
    a field whose value the user changed without a range of their own has the library's range moved with
    it ('moved', :func:`move_range`); the rest stay the library's (not listed)."""
    own = {k: list(v) for k, v in (changes.get("ranges") or {}).items()}
    out = {k: list(v) for k, v in ranges.items()}
    basis = dict(changes.get("range_basis") or old.get("range_basis") or {})
    for name in names:
        if name in own:
            out[name] = own[name]
            basis[name] = "yours"
        elif name in changes and name in out and name in old:
            out[name] = move_range(*out[name], float(old[name]), float(changes[name]), name in FRACTION_FIELDS)
            basis[name] = "moved"
    out.update({k: v for k, v in own.items() if k not in names})  # an unknown field: the schema refuses it
    return out, {k: v for k, v in basis.items() if k in out}


def _resolve_unit_cost(cost_id: str, override: Any, library: Library, spec: ScenarioSpec, file: str) -> UnitCost:
    changes = override.model_dump(exclude_unset=True, exclude_none=True)
    price_year = spec.settings.price_year
    base = library.unit_costs.get(cost_id)
    if base is None:
        merged: dict[str, Any] = {
            "id": cost_id,
            "price_year": price_year,
            "confidence": "low",
            "source": _scenario_note(spec.name, "Unit cost added").model_dump(),
        }
        merged.update(changes)
    else:
        merged = base.model_dump(exclude_none=True)
        if "value" in changes and "price_year" not in changes:
            changes["price_year"] = price_year
        if "value" in changes and ("low" in merged or "high" in merged):
            # The documented range keeps its shape around the user's value (a bound the user gives wins).
            # Scaling by new / old is the same whatever the two price years (uprating is a factor too).
            low, high = move_range(
                merged.get("low", base.value), merged.get("high", base.value), base.value, changes["value"]
            )
            changes.setdefault("low", low)
            changes.setdefault("high", high)
        if {"partner", "value_type"} & changes.keys():
            merged.pop("split", None)
        if "split" in changes:
            merged.pop("partner", None)
            merged.pop("value_type", None)
        if "source" not in changes and {"value", "price_year", "split", "partner"} & changes.keys():
            documented = f"£{base.value:,.2f} at {base.price_year} prices"
            changes["source"] = _scenario_note(spec.name, f"Changed from the documented {documented}").model_dump()
        merged.update(changes)
    cost = validate(UnitCost, merged, file, f"unit_costs.{cost_id}")
    for j, bearer in enumerate(cost.bearers()):
        where = f"unit_costs.{cost_id}" + (f".split[{j}]" if cost.split else "")
        check_partner(library.partners, bearer.partner, file, f"{where}.partner")
        check_fiscal(library.partners, bearer, file, f"{where}.value_type")
    return cost


def _merge_outcomes(
    base: list[dict[str, Any]], overrides: tuple[Any, ...], spec_name: str
) -> tuple[list[dict[str, Any]], list[int | None]]:
    """Merge outcome overrides onto the library's outcomes; new ones are appended.

    An override with an ``id`` changes the library outcome with that id. Without one, the n-th override
    on a unit cost changes the n-th library outcome on that unit cost (of those not named by an id); any
    beyond those are new outcomes. Returns the merged outcomes and, for each, the index of the override
    it came from (or None).
    """
    merged = [dict(o) for o in base]
    origin: list[int | None] = [None] * len(merged)
    taken: set[int] = set()
    named = {o.id for o in overrides if o.id is not None}
    for j, override in enumerate(overrides):
        changes = override.model_dump(exclude_unset=True, exclude_none=True)
        if override.id is not None:
            match = next((k for k, o in enumerate(merged) if o.get("id") == override.id and k not in taken), None)
        else:
            match = next(
                (
                    k
                    for k, o in enumerate(merged[: len(base)])
                    if o["unit_cost"] == override.unit_cost and k not in taken and o.get("id") not in named
                ),
                None,
            )
        if match is None:
            changes.setdefault("source", _scenario_note(spec_name, "Outcome added").model_dump())
            changes["range_basis"] = {k: "yours" for k in changes.get("ranges") or {}}
            merged.append(changes)
            origin.append(j)
            taken.add(len(merged) - 1)
            continue
        taken.add(match)
        outcome = merged[match]
        own_ranges = "ranges" in changes
        ranges, changes["range_basis"] = _move_ranges(outcome.get("ranges", {}), outcome, changes, OUTCOME_RANGED)
        changes.pop("ranges", None)
        outcome["ranges"] = ranges
        if "quantity_per_case" in changes and "source" not in changes:
            changes["source"] = _scenario_note(spec_name, "Quantity per case changed").model_dump()
        if "quantity_per_case" in changes and "rate_effect" not in changes:
            outcome.pop("rate_effect", None)  # the user's own quantity wins over the published rate
        if "rate_effect" in changes:  # recomputed from the new rate effect (schema.Outcome)
            outcome.pop("quantity_per_case", None)
            ranges.pop("quantity_per_case", None)
        if "quantity_follows" in changes and not own_ranges:
            ranges.pop("quantity_per_case", None)  # a follower's range is the one it follows (schema.Outcome)
        adjusted = {"deadweight", "displacement", "attribution", "duration_years", "drop_off"} & changes.keys()
        if adjusted and "adjustments_source" not in changes:
            changes["adjustments_source"] = _scenario_note(spec_name, "Adjustments changed").model_dump()
        outcome.update(changes)
        origin[match] = j
    return merged, origin


def _scale_to_population(merged: dict[str, Any], cases_per_100k: float, population: int) -> None:
    """Volume from the area's population: the library's rate per 100,000 people times population / 100,000
    (its range scaled alike). A scenario's own cases_per_year wins and never comes here."""
    scale = population / 100_000
    merged["cases_per_year"] = cases_per_100k * scale
    if "cases_per_year" in merged.get("ranges", {}):
        merged["ranges"]["cases_per_year"] = [v * scale for v in merged["ranges"]["cases_per_year"]]


def _resolve_intervention(
    i: int,
    choice: InterventionChoice,
    library: Library,
    spec: ScenarioSpec,
    file: str,
    unit_costs: dict[str, UnitCost],
) -> Intervention:
    prefix = f"interventions[{i}]"
    for j, outcome in enumerate(choice.outcomes or ()):
        if outcome.unit_cost not in unit_costs:
            raise InputError(
                file,
                f"{prefix}.outcomes[{j}].unit_cost",
                f"unknown unit cost '{outcome.unit_cost}'; known: {', '.join(sorted(unit_costs))}",
            )
    changes = choice.model_dump(exclude_unset=True, exclude_none=True)
    changes.pop("outcomes", None)
    base = library.interventions.get(choice.id)
    if base is None and choice.cost_model is not None:
        changes["cost_per_case"] = choice.cost_model.cost_per_case
    price_year = spec.settings.price_year
    if base is None and choice.outcomes is None and choice.ratio is None:
        raise InputError(
            file,
            f"{prefix}.id",
            f"'{choice.id}' is not in the library; define its outcomes or "
            f"ratio, or use one of: {', '.join(library.interventions)}",
        )
    if base is None:
        merged: dict[str, Any] = {
            "price_year": price_year,
            "confidence": "low",
            "cost_confidence": "low",
            "cost_source": _scenario_note(spec.name, "Costs set").model_dump(),
            "volume_source": _scenario_note(spec.name, "Cases per year set").model_dump(),
            "range_basis": {k: "yours" for k in changes.get("ranges") or {}},
        }
        if "cost_confidence" not in changes:
            merged["cost_confidence_basis"] = OWN_COST_BASIS
        base_outcomes: list[dict[str, Any]] = []
    else:
        merged = base.model_dump(exclude_none=True)
        base_outcomes = merged.pop("outcomes", [])
        if choice.cost_model is not None:
            # The scenario's own salary and caseload: the cost per case they give is a typed cost.
            changes["cost_per_case"] = choice.cost_model.cost_per_case
        elif "cost_per_case" in changes:
            merged.pop("cost_model", None)  # a typed cost replaces the library's derivation
        cost_fields = {"cost_per_case", "fixed_cost_per_year"} & changes.keys()
        if "price_year" in changes and not cost_fields:
            raise InputError(
                file,
                f"{prefix}.price_year",
                "a price year applies to the costs given with it; give cost_per_case or fixed_cost_per_year "
                "in the same override, or remove price_year (the library's costs keep their own price year, "
                f"{base.price_year})",
            )
        if cost_fields:
            # A typed cost is in its own price_year if given, else the scenario's. Bring the library's
            # costs (the field not typed, and the typed field's range) to that year, so that the
            # intervention's one price_year describes every cost and range it carries.
            target = changes.setdefault("price_year", price_year)
            uplift = spec.settings.price_uplift
            check_deflator_year(library, target, file, f"{prefix}.price_year", uplift)
            factor = library.deflator_factor(base.price_year, target, uplift)
            for name in ("cost_per_case", "fixed_cost_per_year"):
                if name not in cost_fields:
                    merged[name] = merged[name] * factor
                if name in merged.get("ranges", {}):
                    merged["ranges"][name] = [v * factor for v in merged["ranges"][name]]
        if cost_fields and "cost_source" not in changes:
            changes["cost_source"] = _scenario_note(spec.name, "Costs changed").model_dump()
        if cost_fields and "cost_confidence" not in changes:
            # The library's grade was for the library's cost; a cost typed here without a grade is low.
            changes["cost_confidence"] = "low"
            changes.setdefault("cost_confidence_basis", OWN_COST_BASIS)
        elif "cost_confidence" in changes and "cost_confidence_basis" not in changes:
            merged.pop("cost_confidence_basis", None)
        if "cases_per_year" in changes and "volume_source" not in changes:
            changes["volume_source"] = _scenario_note(spec.name, "Cases per year set").model_dump()
        if "cases_per_year" not in changes and base.cases_per_100k is not None:
            _scale_to_population(merged, base.cases_per_100k, spec.settings.population)
        # A typed cost is compared with the library's in the same prices (the library's was uprated above).
        old = {name: merged[name] for name in INTERVENTION_RANGED}
        for name in cost_fields:
            old[name] = getattr(base, name) * factor
        merged["ranges"], changes["range_basis"] = _move_ranges(
            merged.get("ranges", {}), old, changes, INTERVENTION_RANGED
        )
        changes.pop("ranges", None)
    merged.update(changes)
    merged["id"] = choice.id
    origin: list[int | None] = []
    if choice.outcomes is not None or base_outcomes:
        outcomes, origin = _merge_outcomes(base_outcomes, choice.outcomes or (), spec.name)
        merged["outcomes"] = outcomes
    try:
        intervention = Intervention.model_validate(merged)
    except ValidationError as exc:
        error = from_validation_error(exc, file, prefix)
        loc = exc.errors()[0]["loc"]
        if len(loc) >= 2 and loc[0] == "outcomes" and isinstance(loc[1], int) and loc[1] < len(origin):
            j = origin[loc[1]]
            where = f"{prefix}.outcomes[{j}]" if j is not None else f"{prefix}.outcomes (library outcome {loc[1]})"
            rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[2:])
            error = InputError(file, where + rest, error.problem)
        raise error from None
    return intervention


def _with_ucd_rows(spec: ScenarioSpec, library: Library, file: str) -> Library:
    """The library with the GMCA Unit Cost Database rows (``ucd:CODE``) this scenario names (roi.inputs.ucd)."""
    named: list[tuple[str, str]] = [(c, f"unit_costs.{c}") for c in spec.unit_costs]
    for i, choice in enumerate(spec.interventions):
        named += [
            (o.unit_cost, f"interventions[{i}].outcomes[{j}].unit_cost") for j, o in enumerate(choice.outcomes or ())
        ]
    for i, overlap in enumerate(spec.overlaps):
        if overlap.unit_cost:
            named.append((overlap.unit_cost, f"overlaps[{i}].unit_cost"))
    for cost_id, field in named:
        library = ucd.extend(library, [cost_id], file, field)
    return library


def resolve(spec: ScenarioSpec, library: Library | None = None, file: str = "scenario") -> Scenario:
    """Resolve a scenario spec against the library, checking every reference and price year."""
    library = library or load_library()
    settings = spec.settings
    uplift = settings.price_uplift
    check_uplift(library, uplift, file, "settings.price_uplift")
    check_deflator_year(library, settings.price_year, file, "settings.price_year", uplift)
    if settings.discount_rate is None and settings.discount_schedule not in library.discount_schedules:
        raise InputError(
            file,
            "settings.discount_schedule",
            f"unknown schedule '{settings.discount_schedule}'; allowed: "
            f"{', '.join(library.discount_schedules)}, or give discount_rate",
        )
    if settings.health_discount_schedule not in library.discount_schedules:
        raise InputError(
            file,
            "settings.health_discount_schedule",
            f"unknown schedule '{settings.health_discount_schedule}'; allowed: {', '.join(library.discount_schedules)}",
        )
    library = _with_ucd_rows(spec, library, file)
    unit_costs = dict(library.unit_costs)
    for cost_id, override in spec.unit_costs.items():
        unit_costs[cost_id] = _resolve_unit_cost(cost_id, override, library, spec, file)
    for cost_id, cost in unit_costs.items():
        check_deflator_year(library, cost.price_year, file, f"unit_costs.{cost_id}.price_year", uplift)
    interventions = []
    for i, choice in enumerate(spec.interventions):
        intervention = _resolve_intervention(i, choice, library, spec, file, unit_costs)
        check_intervention_refs(intervention, library.partners, unit_costs, file, f"interventions[{i}]")
        for k, outcome in enumerate(intervention.outcomes):
            if outcome.lag_years > settings.horizon_years:
                overrides = [o.unit_cost for o in choice.outcomes or ()]
                where = (
                    f"outcomes[{overrides.index(outcome.unit_cost)}]"
                    if outcome.unit_cost in overrides
                    else f"outcomes (library outcome {k})"
                )
                raise InputError(
                    file,
                    f"interventions[{i}].{where}.lag_years",
                    f"{outcome.lag_years} years is beyond the {settings.horizon_years}-year horizon; "
                    f"allowed: 0 to {settings.horizon_years}",
                )
        check_deflator_year(library, intervention.price_year, file, f"interventions[{i}].price_year", uplift)
        interventions.append(intervention)
    scenario = Scenario(
        spec=spec, library=library, unit_costs=unit_costs, interventions=tuple(interventions), file=file
    )
    if spec.deal is not None:  # a deal's partners and outcome
        check_deal(scenario, file)
    if spec.overlaps:  # people two interventions have in common
        check_overlaps(scenario, file)
    if spec.correlations:  # names, pairs and a matrix that can hold
        check_correlations(scenario, file)
    return scenario


_shipped: tuple[int, dict[str, Path]] | None = None


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario names (file stems) and their paths. The folder is listed again only when it
    changes (its modification time), as every page asks for this several times a rerun."""
    global _shipped
    stamp = SCENARIOS_DIR.stat().st_mtime_ns
    if _shipped is None or _shipped[0] != stamp:
        _shipped = (stamp, {p.stem: p for p in sorted(SCENARIOS_DIR.glob("*.yaml"))})
    return dict(_shipped[1])


def parse_scenario(text: str | bytes, file: str = "scenario", library: Library | None = None) -> Scenario:
    """Parse and resolve a scenario from YAML text (an upload, a shared link)."""
    spec = check_size(validate(ScenarioSpec, parse_yaml(text, file), file), file)
    return resolve(spec, library, file)


def load_scenario(path_or_name: str | Path, library: Library | None = None) -> Scenario:
    """Load a scenario file, or a shipped scenario by name (``district_offer``)."""
    path = find_file(path_or_name, SCENARIOS_DIR, "scenario")
    spec = check_size(validate(ScenarioSpec, read_yaml(path), printable(path.name)), printable(path.name))
    return resolve(spec, library, printable(path.name))
