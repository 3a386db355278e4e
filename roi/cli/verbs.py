"""Command-line verbs beside `run` and `list`: simulate and sensitivity here; check-claim and export
are registered here and run by roi.cli.document_verbs."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from roi.cli.common import clean, ratio, register, table
from roi.engine import uncertainty
from roi.inputs.errors import InputError
from roi.inputs.formats import number, pounds
from roi.inputs.scenario import load_scenario

# The verbs that write documents need the chart, workbook and PDF libraries (about half a second to
# load): their handlers are named here and loaded by roi.cli.commands only when one of them runs.
DOCUMENT_VERBS = "roi.cli.document_verbs"


def simulate_payload(sim: uncertainty.Simulation) -> dict[str, Any]:
    """The `simulate --json` document: draws, P10/P50/P90 of npv and bcr, prob_payback, by_partner."""
    p = sim.percentiles()
    return clean(
        {
            "scenario": sim.scenario.name,
            "draws": sim.draws,
            "seed": sim.seed,
            "distribution": sim.distribution,
            "npv": p["npv"],
            "bcr": p["bcr"],
            "fiscal_roi": p["fiscal_roi"],
            "cash_npv": p["cash_npv"],
            "cash_roi": p["cash_roi"],
            "prob_payback": sim.prob_payback,
            "prob_cash_payback": sim.prob_cash_payback,
            "by_partner": sim.by_partner().to_dict(orient="records"),
        }
    )


DEFAULT_SENSITIVITY_SECONDS = 30.0  # the `sensitivity` verb's time budget unless --max-seconds says otherwise
MAX_SENSITIVITY_SECONDS = 86_400.0


def sensitivity_payload(scenario, max_seconds: float | None = None) -> dict[str, Any]:  # noqa: ANN001 - a roi.Scenario
    """The `sensitivity --json` document: the tornado and switching values, and whether the time
    budget let them finish (``complete``; ``checked`` of ``total`` ranged inputs; ``note`` if not)."""
    tornado, switching = uncertainty.sensitivity_tables(scenario, max_seconds=max_seconds)
    return clean(
        {
            "scenario": scenario.name,
            "tornado": tornado[["parameter", "low", "high", "npv_low", "npv_high", "swing"]].to_dict(orient="records"),
            "switching_values": switching[["parameter", "central", "low", "high", "switching_value", "where"]].to_dict(
                orient="records"
            ),
            "complete": bool(switching.attrs["complete"]),
            "checked": switching.attrs["checked"],
            "total": switching.attrs["total"],
            "note": uncertainty.stopped_note(switching),
        }
    )


def cmd_simulate(args: argparse.Namespace) -> None:
    if args.draws < 1 or args.draws > 10_000_000:
        raise InputError("--draws", "", f"{args.draws} is not allowed; give 1 to 10,000,000 draws")
    sim = uncertainty.simulate(load_scenario(args.file), args.draws, args.seed, args.distribution)
    payload = simulate_payload(sim)
    if args.json:
        print(json.dumps(payload, indent=2))
        return
    print(f"{sim.scenario.name}: {sim.draws:,} draws ({sim.distribution}), seed {sim.seed}\n")
    rows = [
        ("Net present value", *(pounds(payload["npv"][k]) for k in ("p10", "p50", "p90"))),
        ("Benefit-cost ratio", *(ratio(payload["bcr"][k]) for k in ("p10", "p50", "p90"))),
        ("£ saved per £1 (fiscal)", *(ratio(payload["fiscal_roi"][k]) for k in ("p10", "p50", "p90"))),
        ("Cash NPV", *(pounds(payload["cash_npv"][k]) for k in ("p10", "p50", "p90"))),
        ("Cash £ per £1", *(ratio(payload["cash_roi"][k]) for k in ("p10", "p50", "p90"))),
    ]
    rows += [
        (f"NPV: {r['label']}", pounds(r["p10"]), pounds(r["p50"]), pounds(r["p90"])) for r in payload["by_partner"]
    ]
    print(table(["", "P10", "P50", "P90"], rows))
    horizon = sim.scenario.settings.horizon_years
    print(
        f"\nIn {sim.prob_payback:.0%} of {sim.draws:,} simulations the offer pays back within {horizon} years on "
        f"fiscal savings (cash and freed capacity); in {sim.prob_cash_payback:.0%} on cash savings alone."
    )


def cmd_sensitivity(args: argparse.Namespace) -> None:
    if not (math.isfinite(args.max_seconds) and 0 < args.max_seconds <= MAX_SENSITIVITY_SECONDS):
        raise InputError(
            "--max-seconds",
            "",
            f"{args.max_seconds:g} is not allowed; give a number of seconds above 0 and at most "
            f"{MAX_SENSITIVITY_SECONDS:,.0f}",
        )
    scenario = load_scenario(args.file)
    payload = sensitivity_payload(scenario, args.max_seconds)
    if args.json:
        print(json.dumps(payload, indent=2))
        return
    print(
        table(
            ["Parameter", "Low", "High", "NPV at low", "NPV at high", "Swing"],
            [
                (
                    r["parameter"],
                    number(r["low"]),
                    number(r["high"]),
                    pounds(r["npv_low"]),
                    pounds(r["npv_high"]),
                    pounds(r["swing"]),
                )
                for r in payload["tornado"]
            ],
        )
    )
    print()
    print(
        table(
            ["Parameter", "Central", "Range", "NPV is zero at", "Against its range"],
            [
                (
                    r["parameter"],
                    number(r["central"]),
                    f"{number(r['low'])} to {number(r['high'])}",
                    "-" if r["switching_value"] is None else number(r["switching_value"]),
                    r["where"],
                )
                for r in payload["switching_values"]
            ],
        )
    )
    if payload["note"]:
        print(f"\nNote: {payload['note']}")


@register
def _register_uncertainty(verbs: Any) -> None:
    sim = verbs.add_parser("simulate", help="Monte Carlo: P10/P50/P90 of NPV, BCR, ROI; probability of payback")
    sim.add_argument("file")
    sim.add_argument("--draws", type=int, default=10_000)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--distribution", choices=["triangular", "pert"], default="triangular")
    sim.add_argument("--json", action="store_true")
    sim.set_defaults(handler=cmd_simulate)
    sens = verbs.add_parser("sensitivity", help="one-way sensitivity (tornado) and switching values")
    sens.add_argument("file")
    sens.add_argument("--json", action="store_true")
    sens.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_SENSITIVITY_SECONDS,
        metavar="S",
        help=f"stop after about S seconds and say how far it got (default {DEFAULT_SENSITIVITY_SECONDS:g})",
    )
    sens.set_defaults(handler=cmd_sensitivity)


@register
def _register_claims(verbs: Any) -> None:
    claim = verbs.add_parser("check-claim", help="recompute a savings claim and flag its problems")
    claim.add_argument("file")
    claim.add_argument("--json", action="store_true")
    claim.add_argument("--pdf", metavar="OUT", help="write the one-page claim-check report (PDF)")
    claim.add_argument("--xlsx", metavar="OUT", help="write the claim-check workbook (Excel)")
    claim.add_argument(
        "--scenario", metavar="SCENARIO", help="the scenario whose unit costs lines with cost_basis: scenario use"
    )
    claim.set_defaults(handler=DOCUMENT_VERBS + ":cmd_check_claim")


@register
def _register_export(verbs: Any) -> None:
    out = verbs.add_parser("export", help="write an Excel workbook, PDF board pack, CSV or scenario YAML")
    out.add_argument("file")
    out.add_argument("--xlsx", metavar="OUT")
    out.add_argument("--pdf", metavar="OUT")
    out.add_argument("--csv", metavar="OUT")
    out.add_argument("--yaml", metavar="OUT")
    out.set_defaults(handler=DOCUMENT_VERBS + ":cmd_export")
