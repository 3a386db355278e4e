"""The words the Make the deal page shows of a proposed deal, built here and only drawn there: who
carries a shortfall under each rule, who is short of cash, and what a feasible split promises."""

from __future__ import annotations

from roi.analysis.deal import Deal
from roi.inputs.formats import pounds


def carriers(proposal: Deal) -> list[tuple[str, str]]:
    """Under each rule (its name), who carries the shortfall and how much: 'District council £12,000,
    ...', or 'nobody'."""
    return [
        (name, ", ".join(f"{who} {pounds(amount)}" for who, amount in people) or "nobody")
        for name, people in proposal.carriers.items()
    ]


def short_of_cash(proposal: Deal) -> str:
    """The partners left short of cash under this split, each with how much: 'District council £5,000'."""
    short = proposal.positions[proposal.positions["cash_npv"] < -0.005]
    return ", ".join(f"{r.label} {pounds(-r.cash_npv)}" for r in short.itertuples())


def holds_sentence(proposal: Deal) -> str:
    """What a feasible split promises: no partner loses cash, at a confidence or at the central estimate."""
    if proposal.confidence is None:
        return "Under this split no partner loses cash (central estimate)."
    return (
        f"Under this split no partner loses cash in at least {proposal.confidence:.0%} of "
        f"{proposal.draws:,} simulations."
    )
