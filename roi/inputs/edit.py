"""Pure edits of a scenario spec: each returns a new, validated spec and never changes its input.

The dashboard calls these from widget callbacks; a notebook can too. A change that the schema or
the library refuses raises :class:`roi.InputError` naming the field, and the caller keeps the old spec.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from roi.inputs.errors import InputError
from roi.inputs.library import Library, Scenario, load_library, validate
from roi.inputs.parameters import parameters
from roi.inputs.scenario import move_range, resolve
from roi.inputs.schema import ScenarioSpec


def _dump(spec: ScenarioSpec) -> dict[str, Any]:
    return copy.deepcopy(spec.model_dump(mode="json", exclude_none=True, exclude_unset=True))


def _check(data: dict[str, Any], library: Library | None) -> tuple[ScenarioSpec, Scenario]:
    spec = validate(ScenarioSpec, data, "scenario")
    return spec, resolve(spec, library or load_library(), "scenario")


def apply(spec: ScenarioSpec, change: dict[str, Any], library: Library | None = None) -> tuple[ScenarioSpec, Scenario]:
    """Apply one change and return the new spec with its resolved scenario.

    ``change`` is one of:
    ``{"setting": name, "value": v}``;
    ``{"intervention": id, "field": name, "value": v}``;
    ``{"intervention": id, "outcome": unit_cost_id, "field": name, "value": v}``;
    ``{"unit_cost": id, "field": name, "value": v}`` (value None resets to the documented value);
    ``{"intervention": id, "add_outcome": unit_cost_id, "quantity_per_case": q}`` to add an outcome (for
    example on a GMCA Unit Cost Database row, ``ucd:HO1.0``);
    ``{"unit_cost": id, "alternative": k}`` to use the library's k-th other dated figure for it;
    ``{"interventions": [ids]}`` (or ``{"interventions": None, "value": [ids]}`` from a bound widget) to
    choose which interventions the offer runs (an overlap naming one taken out goes with it);
    ``{"overlap": [first, second], "value": share}`` to declare the share of people two interventions
    have in common (roi.engine.overlaps; the second-named one's benefits are reduced), or None to withdraw it.

    A changed figure is the user's own: it is recorded with the user's ``"note"`` (if given) and
    today's date, and credited to the user, never to the publication behind the value it replaced.
    """
    data = _dump(spec)
    stamp = _user_source(change)
    if "setting" in change:
        settings = data.setdefault("settings", {})
        if change["value"] is None:
            settings.pop(change["setting"], None)
        else:
            settings[change["setting"]] = change["value"]
    elif "interventions" in change:
        chosen = change["value"] if "value" in change else change["interventions"]
        existing = {c["id"]: c for c in data["interventions"]}
        if not chosen:
            raise InputError("scenario", "interventions", "choose at least one intervention")
        data["interventions"] = [existing.get(i, {"id": i}) for i in chosen]
        if data.get("overlaps"):  # an overlap with an intervention no longer in the offer has no meaning
            data["overlaps"] = [o for o in data["overlaps"] if set(o["interventions"]) <= set(chosen)]
        if data.get("correlations"):  # a correlation goes with the last intervention its inputs belong to
            data["correlations"] = _kept_correlations(data, library)
    elif "overlap" in change:
        pair = list(change["overlap"])
        kept = [o for o in data.get("overlaps", []) if set(o["interventions"]) != set(pair) or o.get("unit_cost")]
        if change["value"] is not None:
            kept.append({"interventions": pair, "share": change["value"]})
        data["overlaps"] = kept
    elif "add_outcome" in change:
        # A new outcome on any unit cost (a library id or a GMCA Unit Cost Database row, ucd:CODE): the
        # quantity per case is the user's own figure, credited to them.
        choice = _choice(data, change["intervention"])
        quantity = change.get("quantity_per_case", 0.0)
        choice.setdefault("outcomes", []).append(
            {"unit_cost": change["add_outcome"], "quantity_per_case": quantity, "source": stamp}
        )
    elif "intervention" in change:
        choice = _choice(data, change["intervention"])
        if "outcome" in change:
            outcome = _outcome_override(choice, change)
            outcome[change["field"]] = change["value"]
            key = "source" if change["field"] == "quantity_per_case" else "adjustments_source"
            outcome[key] = stamp
        elif change["field"] == "value_per_pound":
            scenario = resolve(spec, library or load_library(), "scenario")
            ratio = next(i for i in scenario.interventions if i.id == change["intervention"]).ratio
            if ratio is None:
                raise InputError("scenario", f"interventions.{change['intervention']}.ratio", "not ratio-based")
            low, high = ratio.low or ratio.value_per_pound, ratio.high or ratio.value_per_pound
            value = change["value"]
            ratio_data = ratio.model_dump(mode="json", exclude_none=True)
            # The range keeps its shape around the user's ratio (docs/method.md): scaled by new / old.
            low, high = move_range(low, high, ratio.value_per_pound, value)
            ratio_data.update({"value_per_pound": value, "low": low, "high": high})
            choice["ratio"] = ratio_data
        else:
            choice[change["field"]] = change["value"]
            if change["field"] in _COST_FIELDS:
                choice["cost_source"] = stamp
            elif change["field"] == "cases_per_year":
                choice["volume_source"] = stamp
    elif "unit_cost" in change and "alternative" in change:
        # One of the library's other dated figures for this unit cost: published, so it keeps its source.
        library = library or load_library()
        base = library.unit_costs.get(change["unit_cost"])
        options = base.alternatives if base is not None else ()
        if not isinstance(change["alternative"], int) or not 0 <= change["alternative"] < len(options):
            raise InputError("scenario", f"unit_costs.{change['unit_cost']}", "no such dated figure")
        option = options[change["alternative"]]
        data.setdefault("unit_costs", {})[change["unit_cost"]] = {
            "value": option.value,
            "price_year": option.price_year,
            "source": option.source.model_dump(mode="json", exclude_defaults=True),
        }
    elif "unit_cost" in change:
        overrides = data.setdefault("unit_costs", {})
        if change["value"] is None:
            overrides.pop(change["unit_cost"], None)
        else:
            override = overrides.setdefault(change["unit_cost"], {})
            override[change["field"]] = change["value"]
            override["source"] = stamp
    else:
        raise ValueError(f"unknown change {change!r}")
    return _check(data, library)


_COST_FIELDS = ("cost_per_case", "fixed_cost_per_year")


def _kept_correlations(data: dict[str, Any], library: Library | None) -> list[dict[str, Any]]:
    """The scenario's correlations whose two inputs are still ranged inputs of the offer as chosen
    (dropping an intervention drops the correlations that name its inputs, as it drops its overrides)."""
    _, scenario = _check({**data, "correlations": []}, library)
    known = {".".join(p.key) for p in parameters(scenario)}
    return [pair for pair in data["correlations"] if set(pair["inputs"]) <= known]


def _user_source(change: dict[str, Any]) -> dict[str, Any]:
    """The source of a figure the user changed: their note (or a plain one) and the date."""
    note = str(change.get("note") or "").strip() or "Entered in the app."
    entered = change.get("entered_on") or date.today().isoformat()
    return {"user_figure": True, "note": note[:500], "entered_on": str(entered)}


def _outcome_override(choice: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The override of the outcome a change names: by ``outcome_id`` if given, else the ``occurrence``-th
    (default the first) override without an id on the unit cost ``outcome`` (roi.inputs.library matches the
    n-th such override to the n-th library outcome on that unit cost). Missing ones are added empty."""
    outcomes = choice.setdefault("outcomes", [])
    if change.get("outcome_id"):
        found = next((o for o in outcomes if o.get("id") == change["outcome_id"]), None)
        if found is None:
            found = {"unit_cost": change["outcome"], "id": change["outcome_id"]}
            outcomes.append(found)
        return found
    plain = [o for o in outcomes if o["unit_cost"] == change["outcome"] and not o.get("id")]
    occurrence = int(change.get("occurrence") or 0)
    while len(plain) <= occurrence:
        plain.append({"unit_cost": change["outcome"]})
        outcomes.append(plain[-1])
    return plain[occurrence]


def _choice(data: dict[str, Any], intervention_id: str) -> dict[str, Any]:
    for choice in data["interventions"]:
        if choice["id"] == intervention_id:
            return choice
    raise InputError("scenario", "interventions", f"'{intervention_id}' is not in this scenario")


def edited_unit_costs(spec: ScenarioSpec) -> set[str]:
    """Ids of unit costs this scenario changes from the documented library."""
    return set(spec.unit_costs)
