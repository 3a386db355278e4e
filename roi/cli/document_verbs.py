"""The verbs that write documents: `check-claim` (with its PDF and workbook) and `export` (workbook,
board pack, CSV, YAML). Their parsers are registered in roi.cli.verbs; roi.cli.commands loads this
module only when one of them runs, so other verbs never load the chart and PDF libraries."""

from __future__ import annotations

import argparse
import json
import sys

from roi.analysis import claims
from roi.cli.common import clean, table, write_output
from roi.engine.model import run
from roi.inputs.errors import InputError
from roi.inputs.formats import pounds
from roi.inputs.library import checked_path, dump_spec
from roi.inputs.scenario import load_scenario
from roi.outputs import claim_report, export


def cmd_check_claim(args: argparse.Namespace) -> None:
    claim = claims.load(args.file)
    scenario = load_scenario(args.scenario) if args.scenario else None
    check = claims.check_claim(claim, file=claims.find(args.file).name, scenario=scenario)
    if args.pdf or args.xlsx:
        written = []
        outputs = ((args.pdf, claim_report.pdf), (args.xlsx, claim_report.workbook))
        for target, _ in outputs:  # every name checked before anything is written
            if target:
                checked_path(target)
        for target, make in outputs:
            if target:
                written.append(write_output(target, make(check)))
        print("Wrote " + ", ".join(written), file=sys.stderr if args.json else sys.stdout)
        if not args.json:
            return
    payload = clean(check.payload())
    if args.json:
        print(json.dumps(payload, indent=2))
        return
    weeks = f"{check.period_weeks:g} weeks"
    print(f"{claim.claim}  (adjusted figures at {check.current_price_year} prices)\n")
    print(
        table(
            ["Figure", weeks, "A year"],
            [
                (claims.FIGURE_LABELS[row.figure], pounds(row.period), pounds(row.annual))
                for row in check.like_for_like().itertuples()
            ],
        )
    )
    print(f"\nThe claim's prices: {check.price_year}, {check.price_year_reason}.")
    print(f"Adjusted for the {weeks}: {check.range_text(period=True)}; a year: {check.range_text()}.\n")
    print(
        table(
            [f"From claimed to adjusted ({weeks})", "Change", "Running total"],
            [("Claimed", "", pounds(check.claimed))]
            + [(r.label, pounds(r.amount), pounds(r.running_total)) for r in check.steps.itertuples()],
        )
    )
    print(f"A year (52 weeks), for comparison and not a step: adjusted {pounds(check.adjusted)}.")
    print()
    print(
        table(
            ["Who gets the money (a year)", "Fiscal", "Cash", "Capacity", "Economic", "Social"],
            [
                (
                    r.partner_label,
                    *(pounds(getattr(r, k)) for k in ("fiscal", "cash", "capacity", "economic", "social")),
                )
                for r in check.value_by_partner().itertuples()
            ],
        )
    )
    print()
    for flag in check.flags:
        print(f"Flag: {flag.message}")


def cmd_export(args: argparse.Namespace) -> None:

    result = run(load_scenario(args.file))
    written = []
    targets = {"xlsx": args.xlsx, "pdf": args.pdf, "csv": args.csv, "yaml": args.yaml}
    if not any(targets.values()):
        raise InputError("export", "", "give at least one of --xlsx, --pdf, --csv or --yaml with a file to write")
    makers = {
        "xlsx": lambda: export.workbook(result),
        "pdf": lambda: export.board_pack(result),
        "csv": lambda: export.results_csv(result).encode(),
        "yaml": lambda: dump_spec(result.scenario.spec).encode(),
    }
    for target in targets.values():  # every name checked before anything is written
        if target:
            checked_path(target)
    for kind, target in targets.items():
        if target:
            written.append(write_output(target, makers[kind]()))
    print("Wrote " + ", ".join(written))
