"""`python -m roi VERB FILE [--json]`: the model from a terminal or a batch job.

Every verb prints a readable table in pounds, or with ``--json`` the keys documented in DESIGN.md.
A problem with the input prints one line on stderr and exits with code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

import roi.cli.deal_verb  # noqa: F401 - registers `deal` (first, as --help lists the verbs)
import roi.cli.verbs  # noqa: F401 - registers simulate, sensitivity, check-claim and export
from roi.analysis.summary import range_sentence, reconciliation
from roi.cli.common import EXTRA_VERBS, clean, ratio, table
from roi.engine.model import Result, run
from roi.inputs.errors import InputError, printable
from roi.inputs.formats import financial_year, per_pound, pounds
from roi.inputs.library import load_library
from roi.inputs.scenario import load_scenario, shipped_scenarios

EXIT_INPUT_ERROR = 2
EXIT_FAULT = 1
# Whole-number options and what each allows, by verb ("*": every verb that has the option).
BOUNDED_OPTIONS = {
    "*": {"seed": (0, 2**32 - 1)},
    "simulate": {"draws": (1, 10_000_000)},
    "deal": {"draws": (0, 10_000_000)},
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line on stderr (no usage dump) and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INPUT_ERROR, f"error: {printable(message, 300)} (see python -m roi --help)\n")


def _check_options(args: argparse.Namespace) -> None:
    bounds = {**BOUNDED_OPTIONS["*"], **BOUNDED_OPTIONS.get(args.verb, {})}
    for name, (low, high) in bounds.items():
        value = getattr(args, name, None)
        if value is not None and not low <= value <= high:
            raise InputError(f"--{name}", "", f"{value} is not allowed; give a whole number from {low:,} to {high:,}")


def run_payload(result: Result) -> dict[str, Any]:
    """The `run --json` document: scenario, totals, by_partner, by_intervention, warnings."""
    totals = result.totals
    partners = result.by_partner()
    interventions = result.by_intervention()
    return clean(
        {
            "scenario": result.scenario.name,
            "price_year": result.scenario.settings.price_year,
            "totals": totals,
            "by_partner": [
                {
                    "partner": row.partner,
                    "label": row.label,
                    "pv_costs": row.pv_costs,
                    "pv_benefits": row.pv_benefits,
                    "pv_fiscal": row.pv_fiscal,
                    "npv": row.npv,
                    "fiscal_npv": row.fiscal_npv,
                    "pv_cashable": row.pv_fiscal_cashable,
                    "pv_capacity": row.pv_fiscal_non_cashable,
                    "pv_economic": row.pv_economic,
                    "pv_social": row.pv_social,
                    "cash_npv": row.cash_npv,
                    "payback_year": None if row.payback_year is pd.NA else row.payback_year,
                    "cash_payback_year": None if row.cash_payback_year is pd.NA else row.cash_payback_year,
                }
                for row in partners.itertuples()
            ],
            "by_intervention": [
                {
                    "intervention": row.intervention,
                    "label": row.label,
                    "ratio_based": bool(row.ratio_based),
                    "pv_costs": row.pv_costs,
                    "pv_benefits": row.pv_benefits,
                    "pv_fiscal": row.pv_fiscal,
                    "npv": row.npv,
                    "bcr": row.bcr,
                    "fiscal_roi": row.fiscal_roi,
                }
                for row in interventions.itertuples()
            ],
            "warnings": list(result.warnings),
        }
    )


def _financial_year(result: Result, year: int | None, none: str) -> str:
    """'2027/28' for appraisal year 3 of a scenario starting in 2025/26, or what to say instead."""
    if year is None or year is pd.NA:
        return none
    return financial_year(result.scenario.settings.first_year + int(year) - 1)


def _year(result: Result, year: int | None, none: str = "not within the horizon") -> str:
    """'year 3 (2027/28)', or what to say when there is no such year."""
    if year is None or year is pd.NA:
        return none
    return f"year {year} ({_financial_year(result, year, none)})"


def _print_run(result: Result) -> None:
    totals = result.totals
    settings = result.scenario.settings
    print(
        f"{printable(result.scenario.name, 200)}  (£ at {settings.price_year} prices, "
        f"{settings.horizon_years}-year horizon, "
        f"{settings.programme_years} programme year(s))\n"
    )
    headline = [
        ("Present value of costs (with optimism bias)", pounds(totals["pv_costs"])),
        ("  of which optimism bias on costs", pounds(totals["pv_cost_optimism_bias"])),
        ("Present value of benefits (all value types)", pounds(totals["pv_benefits"])),
        ("  of which cash savings (fiscal, cashable)", pounds(totals["pv_cashable"])),
        ("  of which freed capacity (fiscal, non-cashable)", pounds(totals["pv_non_cashable"])),
        ("  of which economic value", pounds(totals["pv_economic"])),
        ("  of which social value", pounds(totals["pv_social"])),
        ("Net present value (all value types)", pounds(totals["npv"])),
        ("Cash NPV (cash savings less costs)", pounds(totals["cash_npv"])),
        ("Benefit-cost ratio", ratio(totals["bcr"])),
        ("Fiscal savings per £1 spent (cash and capacity)", per_pound(totals["fiscal_roi"])),
        ("Cash savings per £1 spent", per_pound(totals["cash_roi"])),
        ("Payback on fiscal savings", _year(result, totals["payback_year"])),
        ("Payback on cash savings alone", _year(result, totals["cash_payback_year"])),
    ]
    if totals["headline"] == "median":
        headline.insert(9, ("Median NPV of the simulation (the headline)", pounds(totals["headline_npv"])))
    print(table(["Headline", "Value"], headline))
    print()
    print(range_sentence(result))
    print(reconciliation(result))
    partners = result.by_partner()
    print()
    print("What each partner puts in and gets back (present values):")
    print(
        table(
            [
                "Partner",
                "Puts in",
                "Cash back",
                "Capacity\nfreed",
                "Economic\nand social",
                "Cash NPV",
                "Fiscal NPV",
                "Pays back\n(own)",
            ],
            [
                (
                    r.label,
                    pounds(r.pv_costs),
                    pounds(r.pv_fiscal_cashable),
                    pounds(r.pv_fiscal_non_cashable),
                    pounds(r.pv_economic + r.pv_social),
                    pounds(r.cash_npv),
                    pounds(r.fiscal_npv) if r.fiscal_body else "not public",
                    _financial_year(result, r.payback_year, "never" if r.pv_costs > 0 else "funds nothing"),
                )
                for r in partners.itertuples()
            ],
        )
    )
    interventions = result.by_intervention()
    print()
    print(
        table(
            ["Intervention", "PV costs", "PV benefits", "NPV", "BCR"],
            [
                (
                    r.label + (" [ratio-based]" if r.ratio_based else ""),
                    pounds(r.pv_costs),
                    pounds(r.pv_benefits),
                    pounds(r.npv),
                    ratio(r.bcr),
                )
                for r in interventions.itertuples()
            ],
        )
    )
    for warning in result.warnings:
        print(f"Note: {warning}")


def cmd_run(args: argparse.Namespace) -> None:
    result = run(load_scenario(args.file))
    if args.json:
        print(json.dumps(run_payload(result), indent=2))
    else:
        _print_run(result)


def list_payload() -> dict[str, Any]:
    library = load_library()
    return {
        "partners": [{"id": p.id, "label": p.label, "fiscal": p.fiscal} for p in library.partners.values()],
        "unit_costs": [
            {
                "id": c.id,
                "label": c.label,
                "value": c.value,
                "unit": c.unit,
                "price_year": c.price_year,
                "local_example": c.source.local_example,
            }
            for c in library.unit_costs.values()
        ],
        "interventions": [
            {"id": i.id, "label": i.label, "ratio_based": i.ratio_based} for i in library.interventions.values()
        ],
        "scenarios": list(shipped_scenarios()),
    }


def cmd_list(args: argparse.Namespace) -> None:
    payload = list_payload()
    if args.json:
        print(json.dumps(payload, indent=2))
        return
    print(
        table(
            ["Intervention", "Id", "Valued by"],
            [
                (i["label"], i["id"], "published ratio" if i["ratio_based"] else "outcomes")
                for i in payload["interventions"]
            ],
        )
    )
    print()
    print(
        table(
            ["Unit cost", "Id", "Value", "Price year"],
            [
                (c["label"], c["id"], f"{pounds(c['value'], pence=True)} {c['unit']}", str(c["price_year"]))
                for c in payload["unit_costs"]
            ],
        )
    )
    print()
    print("Scenarios: " + ", ".join(payload["scenarios"]))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m roi", description="Prevention ROI model.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    run_parser = verbs.add_parser("run", help="run a scenario file or a shipped scenario name")
    run_parser.add_argument("file")
    run_parser.add_argument("--json", action="store_true", help="print JSON for machines")
    run_parser.set_defaults(handler=cmd_run)
    list_parser = verbs.add_parser("list", help="list shipped partners, unit costs, interventions, scenarios")
    list_parser.add_argument("--json", action="store_true")
    list_parser.set_defaults(handler=cmd_list)
    for register in EXTRA_VERBS:
        register(verbs)
    saved = verbs.add_parser(
        "store",
        help="saved, versioned documents: save, list, history, export, backup, restore, verify",
        add_help=False,
    )
    saved.add_argument("store_args", nargs=argparse.REMAINDER)
    saved.set_defaults(handler=None)
    return parser


# Other modules (uncertainty, claims, export) add their verbs here, keeping this file the one entry.


class _Printable(io.TextIOBase):
    """A text stream that shows control characters as escapes (``\\x1b``), line by line: an ANSI
    code or line separator in a scenario's name, a claim's label or a path stays text on the
    terminal, whichever verb prints it. JSON output has none to change (json escapes them)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write("\n".join(printable(line, sys.maxsize) for line in text.split("\n")))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def writable(self) -> bool:
        return True


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(streams[0]), _Printable(streams[1])
    try:
        if argv[:1] == ["store"]:
            # The store (a database) is loaded only for this verb: roi itself never imports a database.
            return importlib.import_module("store.cli").main(argv[1:])
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_options(args)
        handler = args.handler
        if isinstance(handler, str):  # a verb whose module loads only when it runs (roi.cli.verbs)
            module, _, name = handler.partition(":")
            handler = getattr(importlib.import_module(module), name)
        handler(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except BrokenPipeError:
        return 0
    except (KeyboardInterrupt, MemoryError) as exc:
        print(f"error: stopped ({type(exc).__name__})", file=sys.stderr)
        return EXIT_FAULT
    except Exception as exc:  # a fault of ours, not the user's: one line, no traceback (ROI_DEBUG=1 shows it)
        if os.environ.get("ROI_DEBUG"):
            raise
        file = printable(getattr(args, "file", "") or args.verb)
        print(f"error: {file}: unexpected {type(exc).__name__}; please report it", file=sys.stderr)
        return EXIT_FAULT
    return 0
