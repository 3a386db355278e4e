"""`python -m roi deal FILE --rule RULE ...`: propose who should fund what (roi.deal)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from . import deal
from .cli import EXTRA_VERBS, _table
from .errors import InputError
from .library import load_scenario
from .model import pounds, run

MAX_DRAWS = 1_000_000


def simulation_for(scenario: Any, draws: int, seed: int) -> Any:
    """A Monte Carlo of the scenario (per-partner draws for the chance of losing cash), or None for
    no draws."""
    if draws <= 0:
        return None
    from .uncertainty import simulate

    return simulate(scenario, draws, seed)


def _shares(pairs: list[str] | None) -> dict[str, float] | None:
    if not pairs:
        return None
    shares: dict[str, float] = {}
    for pair in pairs:
        partner, sep, fraction = pair.partition("=")
        if not sep:
            raise InputError("--share", "", f"'{pair}' is not PARTNER=FRACTION, e.g. district=0.6")
        try:
            shares[partner.strip()] = float(fraction)
        except ValueError:
            raise InputError("--share", partner.strip(), f"'{fraction}' is not a share from 0 to 1") from None
    return shares


def cmd_deal(args: argparse.Namespace) -> None:
    if not 0 <= args.draws <= MAX_DRAWS:
        raise InputError("--draws", "", f"{args.draws} is not allowed; give 0 to {MAX_DRAWS:,} draws")
    scenario = load_scenario(args.file)
    base = run(scenario) if scenario.spec.deal is None else run(_resolve_undone(scenario))
    proposal = deal.propose(
        base,
        args.rule,
        shares=_shares(args.share),
        payer=args.payer,
        outcome=args.outcome,
        price=args.price,
        cap=args.cap,
        simulation=simulation_for(base.scenario, args.draws, args.seed),
        file=scenario.file,
    )
    payload = proposal.payload()
    if args.json:
        print(json.dumps(payload, indent=2))
        return
    print(f"{scenario.name}: {proposal.label}\n")
    years = list(proposal.years)
    print(
        _table(
            ["Partner", "Share", "PV", *years],
            [
                (row["label"], f"{row['share']:.1%}", pounds(row["pv"]), *(pounds(row[y]) for y in years))
                for row in proposal.contributions.to_dict(orient="records")
            ],
        )
    )
    print()
    print(
        _table(
            ["Partner", "Cash NPV", "Fiscal NPV", "£ per £1", "Payback year", "Chance worse off"],
            [
                (
                    row["label"],
                    pounds(row["cash_npv"]),
                    pounds(row["fiscal_npv"]),
                    "-" if row["roi"] is None or row["roi"] != row["roi"] else f"£{row['roi']:,.2f}",
                    "-"
                    if row["payback_year"] is None or row["payback_year"] != row["payback_year"]
                    else str(int(row["payback_year"])),
                    "-" if row.get("prob_worse_off") is None else f"{row['prob_worse_off']:.0%}",
                )
                for row in proposal.positions.to_dict(orient="records")
            ],
        )
    )
    if proposal.shortfall > 0:
        print(
            "\nNo split leaves every partner whole in cash: cash savings fall "
            f"{pounds(proposal.shortfall)} short of the cost."
        )
        for rule, people in proposal.carriers.items():
            who = ", ".join(f"{label} {pounds(amount)}" for label, amount in people) or "nobody"
            print(f"  {rule}: short of cash: {who}")


def _resolve_undone(scenario: Any) -> Any:
    from .library import resolve

    return resolve(deal.undo_deal(scenario.spec), scenario.library, scenario.file)


def _register_deal(verbs: Any) -> None:
    parser = verbs.add_parser("deal", help="propose who funds what so that every partner comes out whole")
    parser.add_argument("file")
    parser.add_argument("--rule", required=True, choices=list(deal.RULES))
    parser.add_argument("--share", action="append", metavar="PARTNER=FRACTION", help="custom: one per partner")
    parser.add_argument("--price", type=float, help="gain share: pounds per unit of the outcome avoided")
    parser.add_argument("--outcome", metavar="UNIT_COST", help="gain share: the unit cost paid on")
    parser.add_argument("--payer", metavar="PARTNER", help="gain share: the partner that pays")
    parser.add_argument("--cap", type=float, help="gain share: pounds a financial year at most")
    parser.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws for the chance of loss (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=cmd_deal)


if _register_deal not in EXTRA_VERBS:
    EXTRA_VERBS.append(_register_deal)
