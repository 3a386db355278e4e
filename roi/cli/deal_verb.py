"""`python -m roi deal FILE --rule RULE ...`: propose who should fund what (roi.analysis.deal)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from roi.analysis import deal
from roi.cli.common import register, table
from roi.engine.model import run
from roi.engine.uncertainty import simulation_for
from roi.inputs.errors import InputError
from roi.inputs.formats import pounds
from roi.inputs.scenario import load_scenario

MAX_DRAWS = 1_000_000


def _shares(pairs: list[str] | None, flag: str = "--share", what: str = "FRACTION, e.g. district=0.6") -> dict | None:
    """PARTNER=NUMBER pairs from the command line (shares, weights, fallbacks)."""
    if not pairs:
        return None
    shares: dict[str, float] = {}
    for pair in pairs:
        partner, sep, fraction = pair.partition("=")
        if not sep:
            raise InputError(flag, "", f"'{pair}' is not PARTNER={what}")
        try:
            shares[partner.strip()] = float(fraction)
        except ValueError:
            raise InputError(flag, partner.strip(), f"'{fraction}' is not a number") from None
    return shares


def _cores(pairs: list[str] | None) -> dict[str, tuple[str, float]] | None:
    """INTERVENTION=PARTNER:POUNDS pairs: the statutory core each partner carries by service."""
    if not pairs:
        return None
    cores: dict[str, tuple[str, float]] = {}
    for pair in pairs:
        service, sep, rest = pair.partition("=")
        partner, colon, amount = rest.partition(":")
        if not (sep and colon):
            raise InputError(
                "--core", "", f"'{pair}' is not INTERVENTION=PARTNER:POUNDS, e.g. dfg_adaptation=district:1500000"
            )
        try:
            cores[service.strip()] = (partner.strip(), float(amount))
        except ValueError:
            raise InputError("--core", service.strip(), f"'{amount}' is not an amount in pounds") from None
    return cores


def cmd_deal(args: argparse.Namespace) -> None:
    if not 0 <= args.draws <= MAX_DRAWS:
        raise InputError("--draws", "", f"{args.draws} is not allowed; give 0 to {MAX_DRAWS:,} draws")
    scenario = load_scenario(args.file)
    base = run(scenario) if scenario.spec.deal is None else run(deal.before_deal(scenario))
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
        confidence=args.confidence,
        by_service=args.by_service,
        weights=_shares(args.weight, "--weight", "WEIGHT, e.g. county_asc=2"),
        fallbacks=_shares(args.fallback, "--fallback", "POUNDS, e.g. district=-1500000"),
        cores=_cores(args.core),
    )
    payload = proposal.payload()
    if args.json:
        print(json.dumps(payload, indent=2))
        return
    print(f"{scenario.name}: {proposal.label}\n")
    years = list(proposal.years)
    print(
        table(
            ["Partner", "Share", "PV", *years],
            [
                (row["label"], f"{row['share']:.1%}", pounds(row["pv"]), *(pounds(row[y]) for y in years))
                for row in proposal.contributions.to_dict(orient="records")
            ],
        )
    )
    print()
    print(
        table(
            [
                "Partner",
                "Cash NPV",
                "Fiscal NPV",
                "£ per £1",
                "Payback year",
                "Chance worse off",
                "Cash P10",
                "Cash turns positive",
                "Largest carried",
            ],
            [
                (
                    row["label"],
                    pounds(row["cash_npv"]),
                    pounds(row["fiscal_npv"]),
                    "-" if row["roi"] is None or row["roi"] != row["roi"] else f"£{row['roi']:,.2f}",
                    "-"
                    if row["payback_year"] is None or row["payback_year"] != row["payback_year"]
                    else str(int(row["payback_year"])),
                    "-" if row.get("prob_worse_off") is None else f"{row['prob_worse_off']:.1%}",
                    "-" if row.get("cash_p10") is None else pounds(row["cash_p10"]),
                    deal.year_or_none(row["turns_positive_year"]) or "-",
                    pounds(row["largest_carried"]),
                )
                for row in proposal.positions.to_dict(orient="records")
            ],
        )
    )
    if proposal.by_service:
        print()
        print(_service_table(proposal))
    print("\nWhat this rule assumes:")
    for line in proposal.assumptions:
        print(f"  - {line}")
    if proposal.shortfall > 0:
        print("\n" + deal.shortfall_sentence(proposal))
        for rule, people in proposal.carriers.items():
            who = ", ".join(f"{label} {pounds(amount)}" for label, amount in people) or "nobody"
            print(f"  {rule}: short of cash: {who}")


def _service_table(proposal: deal.Deal) -> str:
    """Intervention x partner shares of each intervention's cost (partners that pay something)."""
    table = proposal.by_intervention
    payers = [p for p in dict.fromkeys(table["label"]) if table.loc[table["label"] == p, "pv"].abs().sum() > 0.005]
    rows = []
    for service, group in table.groupby("intervention_label", sort=False):
        share = dict(zip(group["label"], group["share"], strict=True))
        rows.append((service, *(f"{share[p]:.1%}" for p in payers)))
    return table(["Intervention", *payers], rows)


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
    parser.add_argument("--confidence", type=float, help="solve so the rule holds in this share of draws (0.5 to 0.99)")
    parser.add_argument("--by-service", action="store_true", help="share each intervention's cost on its own savings")
    parser.add_argument("--weight", action="append", metavar="PARTNER=WEIGHT", help="Nash bargaining weight")
    parser.add_argument("--fallback", action="append", metavar="PARTNER=POUNDS", help="cash position with no deal (PV)")
    parser.add_argument(
        "--core", action="append", metavar="INTERVENTION=PARTNER:POUNDS", help="by service: a statutory core (PV)"
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=cmd_deal)


register(_register_deal)
