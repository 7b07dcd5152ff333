"""The words for the keys the pack stores (committee roles and attitudes, document types,
win/loss reasons). Pages show these through the pack's catalogues, never the keys."""

from __future__ import annotations

from kht.plugin_api import N_

LABELS = {
    # committee roles
    "decision_maker": N_("Decision maker"),
    "economic_buyer": N_("Economic buyer"),
    "technical_evaluator": N_("Technical evaluator"),
    "user": N_("User"),
    "influencer": N_("Influencer"),
    "gatekeeper": N_("Gatekeeper"),
    "champion": N_("Champion"),
    "coach": N_("Coach"),
    # attitudes toward us
    "supporter": N_("Supporter"),
    "neutral": N_("Neutral"),
    "opponent": N_("Opponent"),
    # document types
    "proposal": N_("Proposal"),
    "tender": N_("Tender"),
    "technical": N_("Technical document"),
    "contract": N_("Contract"),
    "presentation": N_("Presentation"),
    "other": N_("Other"),
    # win and loss reasons
    "price": N_("Price"),
    "solution": N_("Solution"),
    "solution_fit": N_("Solution fit"),
    "relationship": N_("Relationship"),
    "service": N_("Service"),
    "references": N_("References"),
    "incumbent": N_("Incumbent supplier"),
    "budget_cut": N_("Budget cut"),
    "no_decision": N_("No decision"),
    "timing": N_("Timing"),
}


def label(key: str | None) -> str:
    """The English word for a stored key (the template translates it); the key itself for
    one the pack no longer knows, so an old value still shows."""
    return LABELS.get(key or "", key or "")
